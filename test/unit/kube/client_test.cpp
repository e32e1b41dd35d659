// The REST verbs against the in-process fake kube-apiserver over TLS.
#include "kube/client.hpp"

#include "test/fakes/gate.hpp"
#include "test/unit/kube/fake_cluster.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace ihpa::kube {
namespace {

const std::string kConfigMaps = "/api/v1/configmaps";

TEST(ResourcePath, CoversCoreAndGroupsNamespacesAndSubresources)
{
    EXPECT_EQ(resource_path(config_maps(), "ns"), "/api/v1/namespaces/ns/configmaps");
    EXPECT_EQ(resource_path(config_maps(), ""), "/api/v1/configmaps");
    EXPECT_EQ(resource_path(leases(), "kube-system", "ihpa"),
              "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/ihpa");
    const ResourceType deployments{"apps", "v1", "deployments", true};
    EXPECT_EQ(resource_path(deployments, "a", "web", "status"), "/apis/apps/v1/namespaces/a/deployments/web/status");
    const ResourceType nodes{"", "v1", "nodes", false};
    EXPECT_EQ(resource_path(nodes, "ignored", "n1"), "/api/v1/nodes/n1");
    EXPECT_EQ(leases().api_version(), "coordination.k8s.io/v1");
}

TEST(KubeClient, CreatesGetsAndSendsTheBearerToken)
{
    FakeCluster cluster;
    const auto created = cluster.client->create(config_maps(), "default", config_map("default", "a", {{"k", "v"}}));
    ASSERT_TRUE(created) << created.error().describe();
    EXPECT_FALSE((*created)["metadata"]["resourceVersion"].get<std::string>().empty());
    const auto got = cluster.client->get(config_maps(), "default", "a");
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ((*got)["data"]["k"], "v");
    EXPECT_EQ(cluster.server.requests().back().header("Authorization"), "Bearer test-token");
}

TEST(KubeClient, PicksUpARotatedTokenFile)
{
    test::FakeKubeApiServer server(FakeCluster::with_tls({}));
    const std::string token = testing::TempDir() + "kube-client.token";
    std::ofstream(token) << "first";
    ClusterConfig config;
    config.server = "https://localhost:" + std::to_string(server.port());
    config.tls.ca.file = test::Certificates::get().file("serving-ca.crt");
    config.token_file = token;
    auto client = make_kube_client(config);
    ASSERT_TRUE(client) << client.error();
    ASSERT_FALSE((*client)->get(config_maps(), "a", "x").error().retryable());
    std::ofstream(token) << "second-token";
    ASSERT_FALSE((*client)->get(config_maps(), "a", "x").error().retryable());
    const auto requests = server.requests();
    EXPECT_EQ(requests[0].header("Authorization"), "Bearer first");
    EXPECT_EQ(requests[1].header("Authorization"), "Bearer second-token");
}

TEST(KubeClient, ParsesTheStatusOfAnErrorAnswer)
{
    FakeCluster cluster;
    const auto missing = cluster.client->get(config_maps(), "default", "nope");
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().not_found());
    EXPECT_EQ(missing.error().reason, "NotFound");
    EXPECT_EQ(missing.error().describe(), "404 NotFound: configmaps \"nope\" not found");
    ASSERT_TRUE(cluster.client->create(config_maps(), "default", config_map("default", "a")));
    const auto again = cluster.client->create(config_maps(), "default", config_map("default", "a"));
    ASSERT_FALSE(again);
    EXPECT_TRUE(again.error().conflict());
    EXPECT_EQ(again.error().reason, "AlreadyExists");
    EXPECT_FALSE(again.error().retryable());
}

TEST(KubeClient, ListsWithSelectorsAndFollowsContinueTokens)
{
    FakeCluster cluster;
    for (int i = 0; i < 5; ++i) {
        cluster.server.put(kConfigMaps, config_map("a", "cm" + std::to_string(i), {},
                                                   {{"app", i % 2 == 0 ? "web" : "db"}}));
    }
    cluster.server.put(kConfigMaps, config_map("b", "elsewhere", {}, {{"app", "web"}}));
    const auto web = cluster.client->list(config_maps(), "a", {.label_selector = "app=web"});
    ASSERT_TRUE(web) << web.error().describe();
    EXPECT_EQ((*web)["items"].size(), 3U);
    const auto not_web = cluster.client->list(config_maps(), "", {.label_selector = "app!=web"});
    EXPECT_EQ((*not_web)["items"].size(), 2U);
    const auto by_name = cluster.client->list(config_maps(), "", {.field_selector = "metadata.name=cm3"});
    ASSERT_EQ((*by_name)["items"].size(), 1U);

    const auto page = cluster.client->list(config_maps(), "a", {.limit = 2});
    ASSERT_TRUE(page);
    EXPECT_EQ((*page)["items"].size(), 2U);
    EXPECT_FALSE((*page)["metadata"].value("continue", "").empty());
    const auto all = cluster.client->list_all(config_maps(), "a", {.limit = 2});
    ASSERT_TRUE(all) << all.error().describe();
    EXPECT_EQ((*all)["items"].size(), 5U);
    const auto requests = cluster.server.requests();
    EXPECT_EQ(requests[requests.size() - 3].target, "/api/v1/namespaces/a/configmaps?limit=2");
    EXPECT_EQ(requests.back().query.at("continue"), "4");
    EXPECT_EQ(cluster.server.requests()[0].query.at("labelSelector"), "app=web");
}

TEST(KubeClient, UpdateIsConditionalOnTheResourceVersion)
{
    FakeCluster cluster;
    const Json stored = cluster.server.put(kConfigMaps, config_map("a", "cm", {{"n", "1"}}));
    Json stale = stored;
    cluster.server.put(kConfigMaps, config_map("a", "cm", {{"n", "2"}})); // someone else writes
    stale["data"]["n"] = "3";
    const auto conflict = cluster.client->update(config_maps(), "a", stale);
    ASSERT_FALSE(conflict);
    EXPECT_TRUE(conflict.error().conflict());
    EXPECT_EQ(conflict.error().reason, "Conflict");
}

TEST(UpdateWithRetry, ReReadsAndRetriesOnConflict)
{
    FakeCluster cluster;
    cluster.server.put(kConfigMaps, config_map("a", "cm", {{"n", "0"}}));
    int calls = 0;
    std::vector<std::chrono::milliseconds> waits;
    Backoff backoff({std::chrono::milliseconds(10), std::chrono::milliseconds(100), 2.0, 0.0}, [] { return 0.0; });
    const auto result = update_with_retry(
        *cluster.client, config_maps(), "a", "cm",
        [&](Json& object) {
            if (++calls == 1) {
                // A concurrent writer between our GET and PUT: the first PUT is stale.
                cluster.server.put(kConfigMaps, config_map("a", "cm", {{"n", "other"}}));
            }
            object["data"]["n"] = object["data"]["n"].get<std::string>() + "+mine";
            return true;
        },
        backoff, [&waits](std::chrono::milliseconds d) { waits.push_back(d); });
    ASSERT_TRUE(result) << result.error().describe();
    EXPECT_EQ(calls, 2);
    EXPECT_EQ((*result)["data"]["n"], "other+mine");
    EXPECT_EQ(waits, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(10)});
}

TEST(UpdateWithRetry, GivesUpAfterTheLastAttempt)
{
    FakeCluster cluster;
    cluster.server.put(kConfigMaps, config_map("a", "cm"));
    Backoff backoff({}, [] { return 0.5; });
    int calls = 0;
    const auto result = update_with_retry(
        *cluster.client, config_maps(), "a", "cm",
        [&](Json& object) {
            ++calls;
            cluster.server.put(kConfigMaps, config_map("a", "cm", {{"c", std::to_string(calls)}}));
            object["data"]["x"] = "y";
            return true;
        },
        backoff, [](std::chrono::milliseconds) {}, 3);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().conflict());
    EXPECT_EQ(calls, 3);
}

TEST(KubeClient, MergePatchesAndAppliesServerSide)
{
    FakeCluster cluster;
    cluster.server.put(kConfigMaps, config_map("a", "cm", {{"keep", "1"}, {"drop", "2"}}));
    const auto patched = cluster.client->patch(config_maps(), "a", "cm", PatchType::Merge,
                                               {{"data", {{"drop", nullptr}, {"new", "3"}}}});
    ASSERT_TRUE(patched) << patched.error().describe();
    EXPECT_EQ((*patched)["data"], (Json{{"keep", "1"}, {"new", "3"}}));
    EXPECT_EQ(cluster.server.requests().back().header("Content-Type"), "application/merge-patch+json");

    EXPECT_EQ(cluster.client->patch(config_maps(), "a", "applied", PatchType::Apply, config_map("a", "applied"))
                  .error()
                  .describe(),
              "Invalid: server-side apply needs a field manager");
    const auto applied = cluster.client->patch(config_maps(), "a", "applied", PatchType::Apply,
                                               config_map("a", "applied", {{"x", "1"}}),
                                               {.field_manager = "ihpa", .force = true});
    ASSERT_TRUE(applied) << applied.error().describe();
    EXPECT_EQ((*applied)["data"]["x"], "1");
    const auto request = cluster.server.requests().back();
    EXPECT_EQ(request.header("Content-Type"), "application/apply-patch+yaml");
    EXPECT_EQ(request.query.at("fieldManager"), "ihpa");
    EXPECT_EQ(request.query.at("force"), "true");
}

TEST(KubeClient, StatusSubresourceChangesOnlyTheStatus)
{
    FakeCluster cluster({.status_plurals = {"widgets"}});
    const ResourceType widgets{"example.com", "v1", "widgets", true};
    const std::string collection = "/apis/example.com/v1/widgets";
    Json widget = {{"metadata", {{"name", "w"}, {"namespace", "a"}}}, {"spec", {{"size", 1}}}};
    widget = cluster.server.put(collection, widget);
    widget["spec"]["size"] = 5;
    widget["status"] = {{"ready", true}};
    const auto updated = cluster.client->update(widgets, "a", widget, "status");
    ASSERT_TRUE(updated) << updated.error().describe();
    EXPECT_EQ((*updated)["status"]["ready"], true);
    EXPECT_EQ((*updated)["spec"]["size"], 1);
    EXPECT_EQ(cluster.server.requests().back().path, "/apis/example.com/v1/namespaces/a/widgets/w/status");
}

TEST(KubeClient, DeletesWithPreconditionsAndPropagationPolicy)
{
    FakeCluster cluster;
    const Json stored = cluster.server.put(kConfigMaps, config_map("a", "cm"));
    const auto refused = cluster.client->remove(config_maps(), "a", "cm", {.precondition_resource_version = "1"});
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().conflict());
    const auto deleted = cluster.client->remove(
        config_maps(), "a", "cm",
        {.propagation_policy = "Foreground",
         .precondition_uid = stored["metadata"]["uid"].get<std::string>()});
    ASSERT_TRUE(deleted) << deleted.error().describe();
    const Json body = Json::parse(cluster.server.requests().back().body);
    EXPECT_EQ(body["propagationPolicy"], "Foreground");
    EXPECT_TRUE(cluster.server.object(kConfigMaps, "a", "cm").is_null());
}

TEST(KubeClient, ReportsInjectedServerErrorsAsRetryable)
{
    FakeCluster cluster;
    cluster.server.fail_next(1, 429, "TooManyRequests");
    const auto throttled = cluster.client->list(config_maps(), "a");
    ASSERT_FALSE(throttled);
    EXPECT_EQ(throttled.error().code, 429);
    EXPECT_TRUE(throttled.error().retryable());
    EXPECT_EQ(throttled.error().retry_after, std::nullopt);
    EXPECT_TRUE(cluster.client->list(config_maps(), "a"));
}

TEST(KubeClient, ReadsHowLongTheServerAsksToWait)
{
    FakeCluster cluster;
    cluster.server.fail_next(1, 429, "TooManyRequests", 3);
    const auto throttled = cluster.client->list(config_maps(), "a");
    ASSERT_FALSE(throttled);
    EXPECT_EQ(throttled.error().retry_after, std::chrono::seconds(3));
    // The header alone, and the Status' details alone, say it too.
    net::HttpResponse header_only{503, {{"retry-after", "5"}}, "upstream down"};
    EXPECT_EQ(error_from_response(header_only).retry_after, std::chrono::seconds(5));
    net::HttpResponse details_only{429, {},
                                   R"({"kind":"Status","code":429,"reason":"TooManyRequests","details":{"retryAfterSeconds":2}})"};
    EXPECT_EQ(error_from_response(details_only).retry_after, std::chrono::seconds(2));
    net::HttpResponse a_date{503, {{"Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"}}, ""};
    EXPECT_EQ(error_from_response(a_date).retry_after, std::nullopt);
}

TEST(KubeClient, TimesOutASlowAnswer)
{
    FakeCluster cluster({}, std::chrono::milliseconds(300));
    test::Gate gate;
    cluster.server.delay_next(gate);
    const auto slow = cluster.client->get(config_maps(), "a", "cm");
    gate.open();
    ASSERT_FALSE(slow);
    EXPECT_EQ(slow.error().code, 0);
    EXPECT_TRUE(slow.error().retryable());
    EXPECT_NE(slow.error().message.find("timed out after 300 ms"), std::string::npos) << slow.error().message;
}

TEST(Backoff, GrowsToTheCapWithJitterBelowTheDelay)
{
    std::vector<double> randoms{0.0, 1.0, 0.5, 0.0, 0.0};
    std::size_t next = 0;
    Backoff backoff({std::chrono::milliseconds(100), std::chrono::milliseconds(500), 2.0, 0.5},
                    [&] { return randoms[next++]; });
    using ms = std::chrono::milliseconds;
    EXPECT_EQ(backoff.next(), ms(100)); // 100 * (1 - 0.5 * 0)
    EXPECT_EQ(backoff.next(), ms(100)); // 200 * (1 - 0.5 * 1)
    EXPECT_EQ(backoff.next(), ms(300)); // 400 * 0.75
    EXPECT_EQ(backoff.next(), ms(500)); // capped
    backoff.reset();
    EXPECT_EQ(backoff.next(), ms(100));
}

} // namespace
} // namespace ihpa::kube
