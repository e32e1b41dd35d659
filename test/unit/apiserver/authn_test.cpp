#include "apiserver/authn.hpp"

#include <gtest/gtest.h>

namespace ihpa::apiserver {
namespace {

const ClientCertificate kProxyCert{true, true, true, "front-proxy-client", ""};

RequestHeaderConfig enabled(std::vector<std::string> names = {"front-proxy-client"})
{
    return RequestHeaderConfig{true, std::move(names)};
}

TEST(AuthnTest, DisabledMeansAnonymous)
{
    const auto identity = authenticate({}, {}, {{"X-Remote-User", "mallory"}});
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->user, "system:anonymous");
    EXPECT_EQ(identity->groups, std::vector<std::string>{"system:unauthenticated"});
}

TEST(AuthnTest, ReadsUserGroupsAndExtraFromTheAggregatorHeaders)
{
    const std::vector<Header> headers = {
        {"x-remote-user", "system:serviceaccount:kube-system:horizontal-pod-autoscaler"},
        {"X-Remote-Group", "system:serviceaccounts"},
        {"X-REMOTE-GROUP", "system:serviceaccounts:kube-system"},
        {"X-Remote-Extra-Scopes", "view"},
        {"X-Remote-Extra-Scopes", "edit"},
        {"X-Remote-Extra-Acme.com%2Fproject", "ihpa"},
        {"Accept", "*/*"},
    };
    const auto identity = authenticate(enabled(), kProxyCert, headers);
    ASSERT_TRUE(identity) << identity.error().message;
    EXPECT_EQ(identity->user, "system:serviceaccount:kube-system:horizontal-pod-autoscaler");
    EXPECT_EQ(identity->groups, (std::vector<std::string>{"system:serviceaccounts",
                                                          "system:serviceaccounts:kube-system",
                                                          "system:authenticated"}));
    EXPECT_EQ(identity->extra.at("scopes"), (std::vector<std::string>{"view", "edit"}));
    EXPECT_EQ(identity->extra.at("acme.com/project"), std::vector<std::string>{"ihpa"});
}

TEST(AuthnTest, AuthenticatedGroupIsNotDuplicated)
{
    const auto identity = authenticate(enabled(), kProxyCert,
                                       {{"X-Remote-User", "u"}, {"X-Remote-Group", "system:authenticated"}});
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->groups, std::vector<std::string>{"system:authenticated"});
}

TEST(AuthnTest, RejectionsAre401WithTheReason)
{
    struct Case {
        std::string name;
        RequestHeaderConfig config;
        ClientCertificate cert;
        std::vector<Header> headers;
        std::string reason;
    };
    const std::vector<Header> user = {{"X-Remote-User", "u"}};
    const std::vector<Case> cases = {
        {"no certificate", enabled(), {}, user, "no client certificate"},
        {"untrusted certificate", enabled(), {true, false, true, "front-proxy-client", "unable to get local issuer certificate"},
         user, "not signed by the request-header CA"},
        {"server-only certificate", enabled(), {true, true, false, "front-proxy-client", ""}, user,
         "not valid for client authentication"},
        {"name not allowed", enabled(), {true, true, true, "intruder", ""}, user, "\"intruder\" is not an allowed name"},
        {"no user header", enabled(), kProxyCert, {{"X-Remote-Group", "g"}}, "no X-Remote-User"},
        {"empty user header", enabled(), kProxyCert, {{"X-Remote-User", ""}}, "no X-Remote-User"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto identity = authenticate(c.config, c.cert, c.headers);
        ASSERT_FALSE(identity);
        EXPECT_EQ(identity.error().code, 401);
        EXPECT_NE(identity.error().message.find(c.reason), std::string::npos) << identity.error().message;
    }
}

TEST(AuthnTest, EmptyAllowedNamesAcceptsAnyNameFromTheCa)
{
    const auto identity = authenticate(enabled({}), {true, true, true, "anyone", ""}, {{"X-Remote-User", "u"}});
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->user, "u");
}

} // namespace
} // namespace ihpa::apiserver
