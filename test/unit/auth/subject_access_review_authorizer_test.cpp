// The delegated authorizer against the fake kube-apiserver: always-allow rules, the two caches,
// failures, coalescing and the asynchronous path.
#include "auth/subject_access_review_authorizer.hpp"

#include "test/fakes/gate.hpp"
#include "test/unit/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

#include <future>

namespace ihpa::auth {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kReviews = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

/// A fake cluster whose RBAC allows exactly user "alice".
test::FakeKubeApiServer::Options rbac_allowing_alice()
{
    return reviews_answered(kReviews, [](const json& spec) {
        return spec.value("user", "") == "alice" ? json{{"allowed", true}, {"reason", "RBAC: allowed"}}
                                                 : json{{"allowed", false}};
    });
}

apiserver::RequestAttributes read_of(const std::string& metric, const std::string& ns = "default")
{
    return {.verb = "list",
            .path = "/apis/external.metrics.k8s.io/v1beta1/namespaces/" + ns + "/" + metric,
            .resource_request = true,
            .api_group = "external.metrics.k8s.io",
            .api_version = "v1beta1",
            .ns = ns,
            .resource = metric, .name = ""};
}

const User kAlice{{"alice", {"system:authenticated"}, {}}};
const User kBob{{"bob", {"system:authenticated"}, {}}};

struct AuthorizerTest : ::testing::Test {
    ManualClock time;
    kube::FakeCluster cluster{rbac_allowing_alice()};

    SubjectAccessReviewOptions options()
    {
        SubjectAccessReviewOptions o;
        o.allowed_ttl = 10s;
        o.denied_ttl = 5s;
        o.clock = time.clock();
        return o;
    }
};

TEST_F(AuthorizerTest, PostsTheReviewAndFollowsItsAnswer)
{
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, options());
    const Decision alice = authorizer.authorize(kAlice, read_of("qps"));
    EXPECT_TRUE(alice.allowed);
    EXPECT_EQ(alice.reason, "RBAC: allowed");
    EXPECT_FALSE(authorizer.authorize(kBob, read_of("qps")).allowed);
    // The server's seam answers from the cache with the 403 Kubernetes sends.
    const auto seam = authorizer.cached(kBob.identity, read_of("qps"));
    ASSERT_TRUE(seam.has_value());
    EXPECT_FALSE(seam->allowed);
    EXPECT_EQ(seam->denial.code, 403);
    EXPECT_NE(seam->denial.message.find("User \"bob\" cannot list resource \"qps\""), std::string::npos)
        << seam->denial.message;
    const auto bodies = posted(cluster.server, kReviews);
    ASSERT_EQ(bodies.size(), 2U);
    EXPECT_EQ(bodies[0], subject_access_review(kAlice, read_of("qps")));
    EXPECT_EQ(bodies[1]["spec"]["user"], "bob");
}

TEST_F(AuthorizerTest, TheServersSeamPassesTheUidOnToTheReview)
{
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, options());
    apiserver::Identity jane{"jane", {"system:authenticated"}, {}, "uid-of-jane"};
    std::promise<bool> decided;
    authorizer.authorize_async(jane, read_of("qps"),
                               [&](const apiserver::Authorization& a) { decided.set_value(a.allowed); });
    EXPECT_FALSE(decided.get_future().get()); // only alice is allowed
    const auto bodies = posted(cluster.server, kReviews);
    ASSERT_EQ(bodies.size(), 1U);
    EXPECT_EQ(bodies[0]["spec"]["uid"], "uid-of-jane");
}

TEST_F(AuthorizerTest, AllowsHealthPathsAndSystemMastersWithoutAReview)
{
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, options());
    for (const std::string path : {"/healthz", "/livez", "/readyz"}) {
        EXPECT_TRUE(authorizer.cached(kBob, get_path(path)).value().allowed) << path;
    }
    const User admin{{"kubernetes-admin", {"system:masters", "system:authenticated"}, {}}};
    EXPECT_TRUE(authorizer.authorize(admin, read_of("qps")).allowed);
    EXPECT_FALSE(authorizer.cached(kBob, get_path("/healthz/etcd")).has_value());
    EXPECT_EQ(authorizer.reviews_sent(), 0U);
    EXPECT_TRUE(posted(cluster.server, kReviews).empty());
}

TEST_F(AuthorizerTest, AlwaysAllowPathsWithAStarArePrefixes)
{
    SubjectAccessReviewOptions o = options();
    o.always_allow_paths = {"/healthz*"};
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, o);
    EXPECT_TRUE(authorizer.cached(kBob, get_path("/healthz/etcd")).has_value());
    EXPECT_FALSE(authorizer.cached(kBob, get_path("/livez")).has_value());
}

TEST_F(AuthorizerTest, ReusesAnAllowWithinItsTtlAndReviewsAgainAfter)
{
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, options());
    EXPECT_FALSE(authorizer.cached(kAlice, read_of("qps")).has_value());
    ASSERT_TRUE(authorizer.authorize(kAlice, read_of("qps")).allowed);
    time.advance(9s);
    EXPECT_TRUE(authorizer.cached(kAlice, read_of("qps")).value().allowed);
    EXPECT_TRUE(authorizer.authorize(kAlice, read_of("qps")).allowed);
    EXPECT_EQ(authorizer.reviews_sent(), 1U);
    // Another metric, namespace or user is another review.
    EXPECT_FALSE(authorizer.cached(kAlice, read_of("qps", "other")).has_value());
    EXPECT_FALSE(authorizer.cached(kAlice, read_of("latency")).has_value());
    time.advance(1s);
    EXPECT_FALSE(authorizer.cached(kAlice, read_of("qps")).has_value());
    EXPECT_TRUE(authorizer.authorize(kAlice, read_of("qps")).allowed);
    EXPECT_EQ(authorizer.reviews_sent(), 2U);
}

TEST_F(AuthorizerTest, CachesADenyForItsOwnTtl)
{
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, options());
    ASSERT_TRUE(authorizer.authorize(kAlice, read_of("qps")).allowed);
    ASSERT_FALSE(authorizer.authorize(kBob, read_of("qps")).allowed);
    time.advance(4s);
    EXPECT_FALSE(authorizer.cached(kBob, read_of("qps")).value().allowed);
    time.advance(1s); // the deny's 5 s are over, the allow's 10 s are not
    EXPECT_FALSE(authorizer.cached(kBob, read_of("qps")).has_value());
    EXPECT_TRUE(authorizer.cached(kAlice, read_of("qps")).value().allowed);
    EXPECT_FALSE(authorizer.authorize(kBob, read_of("qps")).allowed);
    EXPECT_EQ(authorizer.reviews_sent(), 3U);
}

TEST_F(AuthorizerTest, AFailedReviewIsADenyWithTheReasonAndIsNotCached)
{
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, options());
    cluster.server.fail_next(1, 403, "Forbidden");
    const Decision failed = authorizer.authorize(kAlice, read_of("qps"));
    EXPECT_FALSE(failed.allowed);
    EXPECT_EQ(failed.reason, "SubjectAccessReview failed: 403 Forbidden: injected failure");
    EXPECT_FALSE(authorizer.cached(kAlice, read_of("qps")).has_value());
    EXPECT_TRUE(authorizer.authorize(kAlice, read_of("qps")).allowed);
}

TEST_F(AuthorizerTest, AnAnswerWithoutStatusIsADenyNotCached)
{
    test::FakeKubeApiServer::Options o;
    o.on_create[kReviews] = [](const json& body) { return body; };
    kube::FakeCluster silent(o);
    SubjectAccessReviewAuthorizer authorizer(*silent.client, options());
    EXPECT_EQ(authorizer.authorize(kAlice, read_of("qps")).reason,
              "SubjectAccessReview failed: the answer has no status");
    EXPECT_FALSE(authorizer.cached(kAlice, read_of("qps")).has_value());
}

TEST_F(AuthorizerTest, ConcurrentIdenticalReviewsShareOneCall)
{
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, options());
    test::Gate gate;
    cluster.server.delay_next(gate);
    Answer<Decision> first, second, other;
    authorizer.authorize_async(kAlice, read_of("qps"), first.callback());
    authorizer.authorize_async(kAlice, read_of("qps"), second.callback());
    authorizer.authorize_async(kBob, read_of("qps"), other.callback());
    gate.open();
    EXPECT_TRUE(first.future.get().allowed);
    EXPECT_TRUE(second.future.get().allowed);
    EXPECT_FALSE(other.future.get().allowed);
    EXPECT_EQ(authorizer.reviews_sent(), 2U);
    EXPECT_EQ(posted(cluster.server, kReviews).size(), 2U);
}

TEST_F(AuthorizerTest, AnswersFromTheCacheOnTheCallingThread)
{
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, options());
    ASSERT_TRUE(authorizer.authorize(kAlice, read_of("qps")).allowed);
    std::optional<std::thread::id> called_on;
    authorizer.authorize_async(kAlice, read_of("qps"), [&](const Decision&) { called_on = std::this_thread::get_id(); });
    ASSERT_TRUE(called_on.has_value()); // set before authorize_async returned
    EXPECT_EQ(*called_on, std::this_thread::get_id());
}

TEST_F(AuthorizerTest, AFullQueueDeniesAtOnce)
{
    SubjectAccessReviewOptions o = options();
    o.workers = 1;
    o.queue_limit = 1;
    SubjectAccessReviewAuthorizer authorizer(*cluster.client, o);
    test::Gate gate;
    cluster.server.delay_next(gate);
    Answer<Decision> running;
    authorizer.authorize_async(kAlice, read_of("a"), running.callback());
    ASSERT_TRUE(gate.wait_for_waiter()); // "a" runs, held at the gate: the queue is empty
    Answer<Decision> b, c, d;
    authorizer.authorize_async(kAlice, read_of("b"), b.callback()); // takes the one place
    authorizer.authorize_async(kAlice, read_of("c"), c.callback());
    authorizer.authorize_async(kAlice, read_of("d"), d.callback());
    for (auto* denied : {&c, &d}) {
        ASSERT_EQ(denied->future.wait_for(0s), std::future_status::ready); // on the calling thread
        EXPECT_EQ(denied->future.get().reason, "authorization unavailable: too many reviews waiting");
    }
    gate.open();
    EXPECT_TRUE(running.future.get().allowed);
    EXPECT_TRUE(b.future.get().allowed);
}

} // namespace
} // namespace ihpa::auth
