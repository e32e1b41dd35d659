// The Kubernetes client against a real kube-apiserver: the control plane of
// test/support/control_plane.hpp (started once for this binary, or the cluster of
// $IHPA_E2E_KUBECONFIG). Skipped with its message where there is none.
#include "kube/config.hpp"
#include "kube/event_recorder.hpp"
#include "kube/informer.hpp"
#include "kube/leader_elector.hpp"
#include "test/support/control_plane_test.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <memory>

namespace ihpa::kube {
namespace {

using namespace std::chrono_literals;

class RealApiServer : public test::ControlPlaneTest {
protected:
    void SetUp() override
    {
        ControlPlaneTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        auto config = load_kubeconfig({plane().kubeconfig()});
        ASSERT_TRUE(config) << config.error();
        auto made = make_kube_client(*config);
        ASSERT_TRUE(made) << made.error();
        client_ = std::move(*made);
        // One namespace per test, so tests do not see each other's objects.
        ns_ = std::string("e2e-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
        for (char& c : ns_) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        const ResourceType namespaces{"", "v1", "namespaces", false};
        const auto created = client_->create(namespaces, "", {{"metadata", {{"name", ns_}}}});
        ASSERT_TRUE(created || created.error().conflict()) << created.error().describe();
    }

    static Json config_map(const std::string& name, Json data, Json labels = Json::object())
    {
        return {{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", name}, {"labels", labels}}},
                {"data", data}};
    }

    std::unique_ptr<KubeClient> client_;
    std::string ns_;
};

TEST_F(RealApiServer, CreatesListsUpdatesWithConflictsAndPatches)
{
    ASSERT_TRUE(client_->create(config_maps(), ns_, config_map("one", {{"n", "1"}}, {{"app", "web"}})));
    ASSERT_TRUE(client_->create(config_maps(), ns_, config_map("two", {{"n", "2"}}, {{"app", "db"}})));
    const auto web = client_->list(config_maps(), ns_, {.label_selector = "app=web"});
    ASSERT_TRUE(web) << web.error().describe();
    ASSERT_EQ((*web)["items"].size(), 1U);
    const auto paged = client_->list_all(config_maps(), ns_, {.limit = 1});
    ASSERT_TRUE(paged) << paged.error().describe();
    EXPECT_GE((*paged)["items"].size(), 2U); // plus kube-root-ca.crt when the controller made it

    auto stale = client_->get(config_maps(), ns_, "one");
    ASSERT_TRUE(stale);
    Json fresh = *stale;
    fresh["data"]["n"] = "fresh";
    ASSERT_TRUE(client_->update(config_maps(), ns_, fresh));
    (*stale)["data"]["n"] = "stale";
    const auto conflict = client_->update(config_maps(), ns_, *stale);
    ASSERT_FALSE(conflict);
    EXPECT_TRUE(conflict.error().conflict());
    EXPECT_EQ(conflict.error().reason, "Conflict");

    Backoff backoff({10ms, 100ms, 2.0, 0.5}, system_random());
    int attempts = 0;
    const auto retried = update_with_retry(
        *client_, config_maps(), ns_, "one",
        [&](Json& object) {
            if (++attempts == 1) { // a concurrent writer makes the first PUT stale
                Json other = object;
                other["data"]["n"] = "other";
                EXPECT_TRUE(client_->update(config_maps(), ns_, other));
            }
            object["data"]["n"] = object["data"]["n"].get<std::string>() + "+mine";
            return true;
        },
        backoff, thread_sleeper());
    ASSERT_TRUE(retried) << retried.error().describe();
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ((*retried)["data"]["n"], "other+mine");

    const auto merged = client_->patch(config_maps(), ns_, "two", PatchType::Merge,
                                       {{"data", {{"n", nullptr}, {"m", "3"}}}});
    ASSERT_TRUE(merged) << merged.error().describe();
    EXPECT_EQ((*merged)["data"], (Json{{"m", "3"}}));

    const auto missing = client_->get(config_maps(), ns_, "none");
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().not_found());
    EXPECT_EQ(missing.error().message, "configmaps \"none\" not found");

    ASSERT_TRUE(client_->remove(config_maps(), ns_, "two", {.propagation_policy = "Background"}));
    EXPECT_TRUE(client_->get(config_maps(), ns_, "two").error().not_found());
}

TEST_F(RealApiServer, ServerSideApplyTracksFieldManagersAndConflicts)
{
    const Json applied = config_map("ssa", {{"owned", "by-a"}});
    const auto first = client_->patch(config_maps(), ns_, "ssa", PatchType::Apply, applied, {.field_manager = "a"});
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_EQ((*first)["data"]["owned"], "by-a");
    const Json taken = config_map("ssa", {{"owned", "by-b"}});
    const auto refused = client_->patch(config_maps(), ns_, "ssa", PatchType::Apply, taken, {.field_manager = "b"});
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().conflict()) << refused.error().describe();
    const auto forced = client_->patch(config_maps(), ns_, "ssa", PatchType::Apply, taken,
                                       {.field_manager = "b", .force = true});
    ASSERT_TRUE(forced) << forced.error().describe();
    EXPECT_EQ((*forced)["data"]["owned"], "by-b");
}

TEST_F(RealApiServer, InformerListsAndWatchesConfigMaps)
{
    ASSERT_TRUE(client_->create(config_maps(), ns_, config_map("before", {})));
    auto cancel = std::make_shared<net::CancelToken>();
    std::vector<std::string> seen;
    Informer informer(*client_, {.type = config_maps(), .ns = ns_, .label_selector = "e2e=yes"},
                      {[&](const Json& o) {
                           seen.push_back("add " + o["metadata"]["name"].get<std::string>());
                       },
                       [&](const Json&, const Json& o) {
                           seen.push_back("update " + o["metadata"]["name"].get<std::string>());
                       },
                       [&](const Json& o) {
                           seen.push_back("delete " + o["metadata"]["name"].get<std::string>());
                           cancel->cancel();
                       }},
                      system_random(), thread_sleeper());
    ASSERT_TRUE(informer.run_once());
    EXPECT_TRUE(seen.empty()); // "before" has no e2e=yes label
    ASSERT_TRUE(client_->create(config_maps(), ns_, config_map("watched", {}, {{"e2e", "yes"}})));
    ASSERT_TRUE(client_->patch(config_maps(), ns_, "watched", PatchType::Merge, {{"data", {{"k", "v"}}}}));
    ASSERT_TRUE(client_->remove(config_maps(), ns_, "watched"));
    while (!cancel->cancelled()) {
        const auto step = informer.run_once(cancel);
        ASSERT_TRUE(step) << step.error().describe();
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"add watched", "update watched", "delete watched"}));
    EXPECT_TRUE(informer.items().empty());
}

TEST_F(RealApiServer, ASecondElectorTakesTheLeaseOverAfterItExpires)
{
    using TimePoint = std::chrono::system_clock::time_point;
    TimePoint now = std::chrono::system_clock::now();
    const WallClock clock = [&now] { return now; };
    LeaderElector first(*client_, {.ns = ns_, .name = "ihpa", .identity = "first"}, clock);
    LeaderElector second(*client_, {.ns = ns_, .name = "ihpa", .identity = "second"}, clock);
    ASSERT_TRUE(first.step().value());
    ASSERT_FALSE(second.step().value());
    now += 14s;
    ASSERT_FALSE(second.step().value());
    now += 2s; // "first" stopped renewing 16 s ago
    ASSERT_TRUE(second.step().value());
    const auto lease = client_->get(leases(), ns_, "ihpa");
    ASSERT_TRUE(lease) << lease.error().describe();
    EXPECT_EQ((*lease)["spec"]["holderIdentity"], "second");
    EXPECT_EQ((*lease)["spec"]["leaseTransitions"], 1);
    EXPECT_EQ((*lease)["spec"]["leaseDurationSeconds"], 15);
    EXPECT_FALSE(first.step().value());
    ASSERT_TRUE(second.release());
    ASSERT_TRUE(first.step().value()); // released: no need to wait
}

TEST_F(RealApiServer, RecordsEventsWithASeries)
{
    const auto target = client_->create(config_maps(), ns_, config_map("target", {}));
    ASSERT_TRUE(target);
    EventRecorder recorder(*client_, "ihpa.io/e2e", "e2e-0", system_wall_clock());
    const ObjectReference regarding{"v1", "ConfigMap", ns_, "target",
                                    (*target)["metadata"]["uid"].get<std::string>()};
    const EventInfo info{"Normal", "Tested", "Test", "recorded by the e2e test"};
    const auto first = recorder.record(regarding, info);
    ASSERT_TRUE(first) << first.error().describe();
    const auto second = recorder.record(regarding, info);
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_EQ((*second)["series"]["count"], 2);
    const auto listed = client_->list(events(), ns_);
    ASSERT_TRUE(listed);
    ASSERT_EQ((*listed)["items"].size(), 1U);
    EXPECT_EQ((*listed)["items"][0]["reason"], "Tested");
}

} // namespace
} // namespace ihpa::kube
