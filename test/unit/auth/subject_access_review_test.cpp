// The SubjectAccessReview bodies, decisions and 403 messages, against k8s.io/apiserver's.
#include "auth/subject_access_review.hpp"

#include "test/unit/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

namespace ihpa::auth {
namespace {

using nlohmann::json;

const User kHpa{{"system:serviceaccount:kube-system:horizontal-pod-autoscaler",
                 {"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"},
                 {}}};

apiserver::RequestAttributes metric_read()
{
    return {.verb = "list",
            .path = "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/forecast_qps",
            .resource_request = true,
            .api_group = "external.metrics.k8s.io",
            .api_version = "v1beta1",
            .ns = "default",
            .resource = "forecast_qps", .name = ""};
}

TEST(SubjectAccessReview, OfAMetricReadIsTheResourceReviewOfTheContract)
{
    // kubernetes-contracts §2.7, plus the metadata Go's encoder writes for an empty ObjectMeta.
    const json expected = json::parse(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
        "metadata":{"creationTimestamp":null},
        "spec":{"user":"system:serviceaccount:kube-system:horizontal-pod-autoscaler",
                "groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"],
                "resourceAttributes":{"namespace":"default","verb":"list",
                                      "group":"external.metrics.k8s.io","version":"v1beta1",
                                      "resource":"forecast_qps"}}})");
    EXPECT_EQ(subject_access_review(kHpa, metric_read()), expected);
}

TEST(SubjectAccessReview, OfTheDebugViewNamesItsObject)
{
    apiserver::RequestAttributes debug = metric_read();
    debug.verb = "get";
    debug.name = "debug";
    const json attributes = subject_access_review(kHpa, debug)["spec"]["resourceAttributes"];
    EXPECT_EQ(attributes, (json{{"namespace", "default"},
                                {"verb", "get"},
                                {"group", "external.metrics.k8s.io"},
                                {"version", "v1beta1"},
                                {"resource", "forecast_qps"},
                                {"name", "debug"}}));
}

TEST(SubjectAccessReview, OfDiscoveryAndOpenApiAreNonResourceReviews)
{
    const User aggregator{{"system:aggregator", {"system:authenticated"}, {}}};
    for (const std::string path : {"/apis/external.metrics.k8s.io/v1beta1", "/openapi/v2"}) {
        SCOPED_TRACE(path);
        const json review = subject_access_review(aggregator, get_path(path));
        EXPECT_EQ(review["spec"], (json{{"user", "system:aggregator"},
                                        {"groups", {"system:authenticated"}},
                                        {"nonResourceAttributes", {{"path", path}, {"verb", "get"}}}}));
    }
}

TEST(SubjectAccessReview, CarriesUidAndExtraWhenTheUserHasThem)
{
    const User user{{"jane", {}, {{"scopes.example.com", {"a", "b"}}}, "u-1"}};
    const json spec = subject_access_review(user, metric_read())["spec"];
    EXPECT_EQ(spec["uid"], "u-1");
    EXPECT_EQ(spec["extra"], (json{{"scopes.example.com", {"a", "b"}}}));
    EXPECT_FALSE(spec.contains("groups"));
}

TEST(DecisionFromReview, ReadsAllowedReasonAndEvaluationError)
{
    const Decision allow = decision_from_review({{"status", {{"allowed", true}, {"reason", "RBAC: allowed by x"}}}});
    EXPECT_TRUE(allow.allowed);
    EXPECT_EQ(allow.reason, "RBAC: allowed by x");
    const Decision deny = decision_from_review(
        {{"status", {{"allowed", false}, {"denied", true}, {"evaluationError", "webhook down"}}}});
    EXPECT_FALSE(deny.allowed);
    EXPECT_EQ(deny.evaluation_error, "webhook down");
    EXPECT_FALSE(decision_from_review({{"status", {{"allowed", "yes"}}}}).allowed);
    EXPECT_EQ(decision_from_review(json::object()).reason, "the SubjectAccessReview answer has no status");
}

TEST(ForbiddenError, NamesUserVerbResourceGroupAndNamespaceAsTheApiServerDoes)
{
    const auto error = forbidden_error({"x", {}, {}},
                                       {.verb = "list", .path = "/apis/external.metrics.k8s.io/v1beta1/namespaces/ns/m",
                                        .resource_request = true, .api_group = "external.metrics.k8s.io",
                                        .api_version = "v1beta1", .ns = "ns", .resource = "m", .name = ""},
                                       {});
    EXPECT_EQ(error.code, 403);
    EXPECT_EQ(error.reason, "Forbidden");
    EXPECT_EQ(error.message, "m.external.metrics.k8s.io is forbidden: User \"x\" cannot list resource \"m\" in API "
                             "group \"external.metrics.k8s.io\" in the namespace \"ns\"");
}

TEST(ForbiddenError, ForAPathAndWithAReason)
{
    EXPECT_EQ(forbidden_error({"system:anonymous", {}, {}}, get_path("/openapi/v2"), {false, "no RBAC", ""})
                  .message,
              "forbidden: User \"system:anonymous\" cannot get path \"/openapi/v2\": no RBAC");
    EXPECT_EQ(forbidden_error({"x", {}, {}},
                              {.verb = "list", .path = "/x", .resource_request = true, .api_group = "g", .api_version = "v1",
                               .ns = "", .resource = "r", .name = ""}, {})
                  .message,
              "r.g is forbidden: User \"x\" cannot list resource \"r\" in API group \"g\" at the cluster scope");
}

} // namespace
} // namespace ihpa::auth
