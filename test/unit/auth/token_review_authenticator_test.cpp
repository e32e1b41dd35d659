// Bearer-token authentication by TokenReview against the fake kube-apiserver.
#include "auth/token_review_authenticator.hpp"

#include "test/fakes/gate.hpp"
#include "test/unit/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

namespace ihpa::auth {
namespace {

using nlohmann::json;

const std::string kReviews = "/apis/authentication.k8s.io/v1/tokenreviews";

/// A fake cluster that knows one token, "good", of service account ns/sa.
test::FakeKubeApiServer::Options one_token()
{
    return reviews_answered(kReviews, [](const json& spec) -> json {
        if (spec.value("token", "") != "good") {
            return {{"authenticated", false}, {"error", "invalid bearer token"}};
        }
        return {{"authenticated", true},
                {"user",
                 {{"username", "system:serviceaccount:ns:sa"},
                  {"uid", "uid-sa"},
                  {"groups", {"system:serviceaccounts", "system:serviceaccounts:ns"}},
                  {"extra", {{"authentication.kubernetes.io/pod-name", {"p-1"}}}}}}};
    });
}

using namespace std::chrono_literals;

struct TokenTest : ::testing::Test {
    ManualClock time;
    kube::FakeCluster cluster{one_token()};

    TokenReviewOptions options()
    {
        TokenReviewOptions o;
        o.clock = time.clock();
        return o;
    }
};

TEST_F(TokenTest, AGoodTokenIsItsServiceAccountWithAuthenticatedAdded)
{
    TokenReviewAuthenticator authenticator(*cluster.client, options());
    const TokenResult result = authenticator.authenticate("good");
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->identity.user, "system:serviceaccount:ns:sa");
    EXPECT_EQ(result->identity.uid, "uid-sa");
    EXPECT_EQ(result->identity.groups,
              (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated"}));
    EXPECT_EQ(result->identity.extra.at("authentication.kubernetes.io/pod-name"), std::vector<std::string>{"p-1"});
    const auto bodies = posted(cluster.server, kReviews);
    ASSERT_EQ(bodies.size(), 1U);
    EXPECT_EQ(bodies[0], json::parse(R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",
        "metadata":{"creationTimestamp":null},"spec":{"token":"good"}})"));
}

TEST_F(TokenTest, SendsTheAudiences)
{
    TokenReviewOptions o = options();
    o.audiences = {"ihpa"};
    TokenReviewAuthenticator authenticator(*cluster.client, o);
    (void)authenticator.authenticate("good");
    EXPECT_EQ(posted(cluster.server, kReviews).at(0)["spec"]["audiences"], json{"ihpa"});
}

TEST_F(TokenTest, CachesBothOutcomesForTheTtl)
{
    TokenReviewAuthenticator authenticator(*cluster.client, options());
    ASSERT_TRUE(authenticator.authenticate("good"));
    const TokenResult bad = authenticator.authenticate("bad");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "invalid bearer token");
    time.advance(9s);
    EXPECT_TRUE(authenticator.cached_user("good").value());
    EXPECT_FALSE(authenticator.cached_user("bad").value());
    EXPECT_EQ(authenticator.reviews_sent(), 2U);
    time.advance(1s);
    EXPECT_FALSE(authenticator.cached_user("good").has_value());
    ASSERT_TRUE(authenticator.authenticate("good"));
    EXPECT_EQ(authenticator.reviews_sent(), 3U);
}

TEST_F(TokenTest, AFailedReviewIsARefusalNotCachedAndAnEmptyTokenIsRefusedAtOnce)
{
    TokenReviewAuthenticator authenticator(*cluster.client, options());
    cluster.server.fail_next(1, 500, "InternalError");
    const TokenResult failed = authenticator.authenticate("good");
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error(), "TokenReview failed: 500 InternalError: injected failure");
    EXPECT_FALSE(authenticator.cached_user("good").has_value());
    EXPECT_TRUE(authenticator.authenticate("good"));
    EXPECT_EQ(authenticator.cached_user("").value().error(), "empty bearer token");
    EXPECT_EQ(authenticator.reviews_sent(), 2U);
}

TEST_F(TokenTest, ConcurrentReviewsOfOneTokenShareOneCall)
{
    TokenReviewAuthenticator authenticator(*cluster.client, options());
    test::Gate gate;
    cluster.server.delay_next(gate);
    Answer<TokenResult> first, second;
    authenticator.authenticate_user_async("good", first.callback());
    authenticator.authenticate_user_async("good", second.callback());
    gate.open();
    EXPECT_TRUE(first.future.get());
    EXPECT_TRUE(second.future.get());
    EXPECT_EQ(posted(cluster.server, kReviews).size(), 1U);
}

TEST(UserFromTokenReview, RefusesAnswersWithoutAUser)
{
    EXPECT_EQ(user_from_token_review(json::object()).error(), "token not authenticated");
    EXPECT_EQ(user_from_token_review({{"status", {{"authenticated", true}}}}).error(),
              "the TokenReview answer names no user");
    const auto admin = user_from_token_review(
        {{"status", {{"authenticated", true}, {"user", {{"username", "a"}, {"groups", {"system:authenticated"}}}}}}});
    ASSERT_TRUE(admin);
    EXPECT_EQ(admin->identity.groups, std::vector<std::string>{"system:authenticated"});
}

} // namespace
} // namespace ihpa::auth
