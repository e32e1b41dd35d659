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
    EXPECT_EQ(identity->uid, ""); // no UID header is configured by default
}

TEST(AuthnTest, ConfiguredUidHeadersNameTheUid)
{
    RequestHeaderConfig config = enabled();
    config.uid_headers = {"X-Remote-Uid"};
    const auto identity = authenticate(config, kProxyCert,
                                       {{"X-Remote-User", "jane"}, {"x-remote-uid", "6c2f-uid"}});
    ASSERT_TRUE(identity) << identity.error().message;
    EXPECT_EQ(identity->uid, "6c2f-uid");
    const auto built = request_header_config({}, {}, {}, {}, {"X-Uid"});
    EXPECT_EQ(built.uid_headers, std::vector<std::string>{"X-Uid"});
    EXPECT_EQ(built.username_headers, std::vector<std::string>{"X-Remote-User"});
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

TEST(AuthnTest, ConfiguredHeaderNamesReplaceTheDefaults)
{
    RequestHeaderConfig config = enabled();
    config.username_headers = {"X-Proxy-User", "X-Remote-User"};
    config.group_headers = {"X-Proxy-Group"};
    config.extra_headers_prefix = {"X-Proxy-Extra-"};
    const auto identity = authenticate(config, kProxyCert,
                                       {{"X-Remote-User", "second"},
                                        {"x-proxy-user", ""},
                                        {"X-Proxy-User", "first"},
                                        {"X-Remote-Group", "ignored"},
                                        {"X-Proxy-Group", "g1"},
                                        {"X-Proxy-Extra-Scope", "s"}});
    ASSERT_TRUE(identity) << identity.error().message;
    // The first configured header with a value wins, whatever the order on the wire.
    EXPECT_EQ(identity->user, "first");
    EXPECT_EQ(identity->groups, (std::vector<std::string>{"g1", "system:authenticated"}));
    EXPECT_EQ(identity->extra.at("scope"), std::vector<std::string>{"s"});
    EXPECT_EQ(identity->extra.count("x-remote-group"), 0U);
}

AuthenticationSettings all_on()
{
    AuthenticationSettings settings;
    settings.request_header = enabled();
    settings.client_certificates = true;
    return settings;
}

const ClientCertificate kAlice{true, false, true, "alice", "unable to get local issuer certificate", true, "",
                               {"team-a", "ops"}};

TEST(AuthnUnionTest, NothingConfiguredMeansAnonymousWhateverIsSent)
{
    const auto step = authenticate_request({}, false, kAlice, {{"Authorization", "Bearer t"}, {"X-Remote-User", "m"}});
    ASSERT_TRUE(std::holds_alternative<Identity>(step));
    EXPECT_EQ(std::get<Identity>(step).user, "system:anonymous");
}

TEST(AuthnUnionTest, RequestHeadersThenClientCertificatesThenBearerTokens)
{
    const auto proxied = authenticate_request(all_on(), true, kProxyCert,
                                              {{"X-Remote-User", "bob"}, {"Authorization", "Bearer t"}});
    ASSERT_TRUE(std::holds_alternative<Identity>(proxied));
    EXPECT_EQ(std::get<Identity>(proxied).user, "bob");

    // A client-CA certificate is its own user: X-Remote-* headers without the front proxy's
    // certificate are ignored, not trusted.
    const auto direct = authenticate_request(all_on(), true, kAlice, {{"X-Remote-User", "system:admin"}});
    ASSERT_TRUE(std::holds_alternative<Identity>(direct));
    EXPECT_EQ(std::get<Identity>(direct).user, "alice");
    EXPECT_EQ(std::get<Identity>(direct).groups, (std::vector<std::string>{"team-a", "ops", "system:authenticated"}));

    const auto token = authenticate_request(all_on(), true, {}, {{"authorization", "bearer  abc.def "}});
    ASSERT_TRUE(std::holds_alternative<BearerToken>(token));
    EXPECT_EQ(std::get<BearerToken>(token).token, "abc.def");
}

TEST(AuthnUnionTest, NoAuthenticatorSucceedingIs401WithEveryReason)
{
    ClientCertificate rogue{true, false, true, "front-proxy-client", "unable to get local issuer certificate", false,
                            "unable to get local issuer certificate", {}};
    const auto step = authenticate_request(all_on(), true, rogue, {{"Authorization", "Basic dTpw"}});
    ASSERT_TRUE(std::holds_alternative<ApiError>(step));
    const ApiError& error = std::get<ApiError>(step);
    EXPECT_EQ(error.code, 401);
    for (const char* reason : {"not signed by the request-header CA", "not signed by the client CA", "no bearer token"}) {
        EXPECT_NE(error.message.find(reason), std::string::npos) << error.message;
    }

    AuthenticationSettings client_only;
    client_only.client_certificates = true;
    const auto none = authenticate_request(client_only, false, {}, {});
    ASSERT_TRUE(std::holds_alternative<ApiError>(none));
    EXPECT_NE(std::get<ApiError>(none).message.find("no client certificate presented"), std::string::npos);

    ClientCertificate server_only = kAlice;
    server_only.client_auth_usage = false;
    const auto usage = authenticate_request(client_only, false, server_only, {});
    ASSERT_TRUE(std::holds_alternative<ApiError>(usage));
    EXPECT_NE(std::get<ApiError>(usage).message.find("not valid for client authentication"), std::string::npos);
}

} // namespace
} // namespace ihpa::apiserver
