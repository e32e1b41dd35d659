// Watch and the list+watch informer against the fake kube-apiserver.
#include "kube/informer.hpp"

#include "test/unit/kube/fake_cluster.hpp"

#include <gtest/gtest.h>

namespace ihpa::kube {
namespace {

const std::string kConfigMaps = "/api/v1/configmaps";
using ms = std::chrono::milliseconds;

std::vector<WatchEvent> watch_all(KubeClient& client, const WatchOptions& options)
{
    std::vector<WatchEvent> events;
    const auto ended = client.watch(config_maps(), "a", options, [&](const WatchEvent& event) {
        events.push_back(event);
        return true;
    });
    EXPECT_TRUE(ended) << ended.error().describe();
    return events;
}

TEST(Watch, DeliversTheEventsAfterTheResourceVersionAndABookmark)
{
    FakeCluster cluster({.end_watches_when_caught_up = true});
    cluster.server.put(kConfigMaps, config_map("a", "before"));
    const std::string from = std::to_string(cluster.server.resource_version());
    cluster.server.put(kConfigMaps, config_map("a", "added"));
    cluster.server.put(kConfigMaps, config_map("a", "added", {{"k", "v"}}));
    cluster.server.put(kConfigMaps, config_map("other", "elsewhere"));
    cluster.server.erase(kConfigMaps, "a", "before");
    const auto events = watch_all(*cluster.client, {.resource_version = from, .timeout_seconds = 30});
    std::vector<std::string> seen;
    for (const auto& event : events) {
        seen.push_back(event.type + " " + event.object["metadata"].value("name", ""));
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"ADDED added", "MODIFIED added", "DELETED before", "BOOKMARK "}));
    EXPECT_EQ(events.back().object["metadata"]["resourceVersion"],
              std::to_string(cluster.server.resource_version()));
    const auto query = cluster.server.requests().back().query;
    EXPECT_EQ(query.at("watch"), "true");
    EXPECT_EQ(query.at("allowWatchBookmarks"), "true");
    EXPECT_EQ(query.at("timeoutSeconds"), "30");
    EXPECT_EQ(query.at("resourceVersion"), from);
}

TEST(Watch, ReportsAnExpiredResourceVersionAsAnErrorEvent)
{
    FakeCluster cluster({.end_watches_when_caught_up = true});
    cluster.server.put(kConfigMaps, config_map("a", "x"));
    const std::string old = std::to_string(cluster.server.resource_version());
    cluster.server.put(kConfigMaps, config_map("a", "y"));
    cluster.server.compact();
    const auto events = watch_all(*cluster.client, {.resource_version = old});
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].type, "ERROR");
    EXPECT_EQ(events[0].object["code"], 410);
}

/// Records an informer's callbacks as "add x", "update x", "delete x".
struct Recorder {
    std::vector<std::string> calls;
    InformerHandlers handlers()
    {
        return {[this](const Json& o) { calls.push_back("add " + o["metadata"]["name"].get<std::string>()); },
                [this](const Json&, const Json& o) {
                    calls.push_back("update " + o["metadata"]["name"].get<std::string>());
                },
                [this](const Json& o) { calls.push_back("delete " + o["metadata"]["name"].get<std::string>()); }};
    }
};

struct InformerFixture {
    explicit InformerFixture(bool end_watches = true)
        : cluster({.end_watches_when_caught_up = end_watches}),
          informer(*cluster.client, {.type = config_maps(), .ns = "a", .list_page_size = 2},
                   recorder.handlers(), [] { return 0.0; }, [this](ms d) { sleeps.push_back(d); })
    {
    }
    FakeCluster cluster;
    Recorder recorder;
    std::vector<ms> sleeps;
    Informer informer;
};

TEST(Informer, ListsThenFollowsChangesThroughTheWatch)
{
    InformerFixture f;
    for (const char* name : {"a1", "a2", "a3"}) {
        f.cluster.server.put(kConfigMaps, config_map("a", name));
    }
    EXPECT_FALSE(f.informer.synced());
    ASSERT_TRUE(f.informer.run_once());
    EXPECT_TRUE(f.informer.synced());
    EXPECT_EQ(f.recorder.calls, (std::vector<std::string>{"add a1", "add a2", "add a3"}));
    EXPECT_EQ(f.informer.items().size(), 3U);

    f.cluster.server.put(kConfigMaps, config_map("a", "a2", {{"k", "v"}}));
    f.cluster.server.erase(kConfigMaps, "a", "a1");
    f.cluster.server.put(kConfigMaps, config_map("a", "a4"));
    ASSERT_TRUE(f.informer.run_once());
    EXPECT_EQ(f.recorder.calls, (std::vector<std::string>{"add a1", "add a2", "add a3", "update a2", "delete a1",
                                                          "add a4"}));
    EXPECT_EQ(f.informer.find("a", "a2")->at("data")["k"], "v");
    EXPECT_FALSE(f.informer.find("a", "a1"));
    EXPECT_EQ(f.informer.resource_version(), std::to_string(f.cluster.server.resource_version()));
}

TEST(Informer, RelistsAfterGoneAndReportsTheDifferences)
{
    InformerFixture f;
    f.cluster.server.put(kConfigMaps, config_map("a", "stays"));
    f.cluster.server.put(kConfigMaps, config_map("a", "changes"));
    f.cluster.server.put(kConfigMaps, config_map("a", "goes"));
    ASSERT_TRUE(f.informer.run_once());
    f.recorder.calls.clear();
    f.cluster.server.put(kConfigMaps, config_map("a", "changes", {{"v", "2"}}));
    f.cluster.server.erase(kConfigMaps, "a", "goes");
    f.cluster.server.put(kConfigMaps, config_map("a", "new"));
    f.cluster.server.compact(); // the informer's RV is now older than the watch window

    ASSERT_TRUE(f.informer.run_once());
    EXPECT_TRUE(f.informer.needs_list());
    EXPECT_TRUE(f.recorder.calls.empty());
    ASSERT_TRUE(f.informer.run_once());
    EXPECT_FALSE(f.informer.needs_list());
    EXPECT_EQ(f.recorder.calls, (std::vector<std::string>{"delete goes", "update changes", "add new"}));
    EXPECT_TRUE(f.sleeps.empty()); // a relist after 410 does not back off
}

TEST(Informer, RelistsWhenTheWatchIsAnsweredWithHttp410)
{
    InformerFixture f;
    ASSERT_TRUE(f.informer.run_once());
    f.cluster.server.fail_next(1, 410, "Expired");
    ASSERT_TRUE(f.informer.run_once());
    EXPECT_TRUE(f.informer.needs_list());
    ASSERT_TRUE(f.informer.run_once());
    EXPECT_FALSE(f.informer.needs_list());
    EXPECT_EQ(f.cluster.server.requests().back().query.count("watch"), 0U); // the relist
    EXPECT_TRUE(f.sleeps.empty());
}

TEST(Informer, BacksOffAfterAFailureAndResumesFromTheLastResourceVersion)
{
    InformerFixture f;
    f.cluster.server.fail_next(2, 503, "ServiceUnavailable");
    const auto first = f.informer.run_once();
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, 503);
    ASSERT_FALSE(f.informer.run_once());
    ASSERT_TRUE(f.informer.run_once()); // the list
    EXPECT_EQ(f.sleeps, (std::vector<ms>{ms(200), ms(400)}));

    const std::string listed_rv = f.informer.resource_version();
    f.cluster.server.fail_next(1, 500, "InternalError");
    ASSERT_FALSE(f.informer.run_once()); // the watch fails
    f.cluster.server.put(kConfigMaps, config_map("a", "later"));
    ASSERT_TRUE(f.informer.run_once()); // resumes: no list, the watch starts at the listed RV
    const auto request = f.cluster.server.requests().back();
    EXPECT_EQ(request.query.at("watch"), "true");
    EXPECT_EQ(request.query.at("resourceVersion"), listed_rv);
    EXPECT_EQ(f.sleeps.back(), ms(200)); // reset after the successful list
    EXPECT_EQ(f.recorder.calls, std::vector<std::string>{"add later"});
}

TEST(Informer, ResumesAfterTheServerDropsTheWatch)
{
    InformerFixture f(false);
    ASSERT_TRUE(f.informer.run_once());
    auto cancel = std::make_shared<net::CancelToken>();
    // Live watch: the first event makes the server drop the connection mid-stream.
    Informer dropping(*f.cluster.client, {.type = config_maps(), .ns = "a"},
                      {[&](const Json& object) {
                           if (object["metadata"]["name"] == "first") {
                               f.cluster.server.drop_watches();
                           } else {
                               cancel->cancel();
                           }
                       },
                       {}, {}},
                      [] { return 0.0; }, [](ms) {});
    ASSERT_TRUE(dropping.run_once()); // list (empty)
    f.cluster.server.put(kConfigMaps, config_map("a", "first"));
    const auto dropped = dropping.run_once(cancel);
    ASSERT_FALSE(dropped);
    EXPECT_TRUE(dropped.error().retryable()) << dropped.error().describe();
    const std::string after_first = dropping.resource_version();
    f.cluster.server.put(kConfigMaps, config_map("a", "second"));
    ASSERT_TRUE(dropping.run_once(cancel)); // resumes; cancelled after "second"
    EXPECT_EQ(f.cluster.server.requests().back().query.at("resourceVersion"), after_first);
    EXPECT_EQ(dropping.items().size(), 2U);
}

} // namespace
} // namespace ihpa::kube
