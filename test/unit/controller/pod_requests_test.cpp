// mean_pod_request: the base of a Utilization target, as the HPA computes it.
#include "controller/pod_requests.hpp"

#include <gtest/gtest.h>

namespace ihpa::controller {
namespace {

struct Case {
    const char* name;
    std::vector<ObservedPod> pods;
    std::string container;
    std::optional<double> mean;  ///< nullopt: an error containing `error`
    std::string error;
};

TEST(MeanPodRequest, AveragesTheRequestSumOverLivePods)
{
    const ObservedContainer app{"app", {{"cpu", 0.25}}};
    const ObservedContainer big{"app", {{"cpu", 0.75}}};
    const ObservedContainer proxy{"proxy", {{"cpu", 0.1}}};
    const ObservedContainer bare{"log", {}};
    const Case cases[] = {
        {"all containers of each pod", {{"a", true, {app, proxy}}, {"b", true, {big, proxy}}}, "",
         0.6, ""},
        {"one named container", {{"a", true, {app, proxy}}, {"b", true, {big, proxy}}}, "app", 0.5,
         ""},
        {"pods not live are ignored", {{"a", true, {app}}, {"b", false, {bare}}}, "", 0.25, ""},
        {"a container without a request", {{"a", true, {app, bare}}}, "", std::nullopt,
         "container log of pod a has no cpu request"},
        {"the named container is missing", {{"a", true, {proxy}}}, "app", std::nullopt,
         "pod a has no container app"},
        {"no live pod", {{"a", false, {app}}}, "", std::nullopt, "no live pods"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const auto mean = mean_pod_request(c.pods, "cpu", c.container);
        if (c.mean) {
            ASSERT_TRUE(mean) << mean.error();
            EXPECT_NEAR(*mean, *c.mean, 1e-12);
        } else {
            ASSERT_FALSE(mean);
            EXPECT_NE(mean.error().find(c.error), std::string::npos) << mean.error();
        }
    }
}

} // namespace
} // namespace ihpa::controller
