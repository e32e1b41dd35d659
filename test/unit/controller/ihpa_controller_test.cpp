// The controller loop against the fake kube-apiserver over TLS: informers, the scale
// subresource, HPA creation and repair, status and events, leadership, deletion, conflicts and
// one broken IHPA among good ones. The forecasts come from a fake backend.
#include "controller/ihpa_controller.hpp"

#include "test/unit/controller/ihpa_fixture.hpp"
#include "test/unit/kube/fake_cluster.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ihpa::controller::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kIhpas = "/apis/ihpa.dev/v1beta1/intelligenthorizontalpodautoscalers";
const std::string kHpas = "/apis/autoscaling/v2/horizontalpodautoscalers";
const std::string kDeployments = "/apis/apps/v1/deployments";
const std::string kPods = "/api/v1/pods";

/// Records what the controller registers; serves every forecast in one configurable state.
class FakeBackend final : public ForecastBackend {
public:
    void apply(const std::string& key, const std::vector<DesiredForecast>& forecasts) override
    {
        const std::lock_guard lock(mutex);
        applied[key] = forecasts;
        ++calls;
    }
    std::map<std::string, ForecastStatus> status(const std::vector<DesiredForecast>& forecasts,
                                                 std::chrono::system_clock::time_point) const override
    {
        const std::lock_guard lock(mutex);
        std::map<std::string, ForecastStatus> out;
        for (const DesiredForecast& each : forecasts) {
            ForecastStatus status;
            status.state = state;
            if (state != "unavailable") {
                status.current = 180.0;
                status.served = served;
                status.model = "holtWinters";
            }
            out[each.metric] = status;
        }
        return out;
    }
    SourceCatalog catalog() const override
    {
        SourceCatalog catalog = prometheus_catalog();
        catalog.sources.push_back({"kubernetes-metrics", kKubernetesMetricsKind});
        return catalog;
    }

    mutable std::mutex mutex;
    std::map<std::string, std::vector<DesiredForecast>> applied;
    int calls = 0;
    std::string state = "forecast";
    double served = 250.0;
};

json deployment(const std::string& name)
{
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", name}, {"namespace", "default"}}},
            {"spec", {{"replicas", 2}, {"selector", {{"matchLabels", {{"app", name}}}}}}}};
}

json pod(const std::string& name, const std::string& app, const std::string& cpu)
{
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"app", app}}}}},
            {"spec", {{"containers", json::array({{{"name", "main"},
                                                   {"resources", {{"requests", {{"cpu", cpu}}}}}}})}}},
            {"status", {{"phase", "Running"}}}};
}

/// An IHPA `name` for Deployment `name` on cpu 60 % and an External metric with a target of 100.
json ihpa(const std::string& name)
{
    json object = ihpa_object(
        json::array({cpu_utilization(60), external_metric("http_requests", "AverageValue", "100")}));
    object["metadata"] = {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name}, {"generation", 1}};
    object["spec"]["template"]["spec"]["scaleTargetRef"]["name"] = name;
    object["spec"]["template"]["spec"]["metrics"][1]["external"]["metric"]["selector"] = {
        {"matchLabels", {{"app", name}}}};
    return object;
}

json apps_discovery()
{
    return {{"kind", "APIResourceList"},
            {"groupVersion", "apps/v1"},
            {"resources", json::array({{{"name", "deployments"}, {"kind", "Deployment"}, {"namespaced", true}},
                                       {{"name", "deployments/scale"}, {"kind", "Scale"}, {"namespaced", true}},
                                       {{"name", "deployments/status"}, {"kind", "Deployment"}, {"namespaced", true}},
                                       {{"name", "daemonsets"}, {"kind", "DaemonSet"}, {"namespaced", true}}})}};
}

struct ControllerFixture : ::testing::Test {
    kube::FakeCluster cluster{{.status_plurals = {"intelligenthorizontalpodautoscalers"},
                               .scale_plurals = {"deployments"},
                               .documents = {{"/apis/apps/v1", apps_discovery()}},
                               .end_watches_when_caught_up = true}};
    FakeBackend backend;
    std::chrono::steady_clock::time_point steady{std::chrono::hours(1)};
    std::unique_ptr<IhpaController> controller;

    void SetUp() override
    {
        cluster.server.put(kDeployments, deployment("web"));
        cluster.server.put(kPods, pod("web-1", "web", "100m"));
        cluster.server.put(kPods, pod("web-2", "web", "200m"));
        make_controller(std::nullopt);
    }

    void make_controller(std::optional<kube::LeaderElectionOptions> election)
    {
        ControllerOptions options;
        options.identity = "test-1";
        options.leader_election = std::move(election);
        controller = std::make_unique<IhpaController>(
            *cluster.client, nullptr, backend, options,
            [] { return std::chrono::system_clock::time_point(std::chrono::hours(500000)); },
            [this] { return steady; });
    }

    json hpa(const std::string& name) const { return cluster.server.object(kHpas, "default", "ihpa-" + name); }
    json stored_ihpa(const std::string& name) const { return cluster.server.object(kIhpas, "default", name); }

    /// The ihpa-forecast entry of an HPA, or null.
    static json forecast_entry(const json& hpa)
    {
        for (const json& metric : hpa["spec"]["metrics"]) {
            if (metric["type"] == "External" && metric["external"]["metric"]["name"] == "ihpa-forecast" &&
                metric["external"]["metric"]["selector"]["matchLabels"]["ihpa.dev/metric"] == "cpu") {
                return metric;
            }
        }
        return nullptr;
    }
};

TEST_F(ControllerFixture, CreatesTheHpaWritesTheStatusAndRecordsEvents)
{
    cluster.server.put(kIhpas, ihpa("web"));
    EXPECT_EQ(controller->step(), 1U);
    const json created = hpa("web");
    ASSERT_FALSE(created.is_null());
    EXPECT_EQ(created["metadata"]["ownerReferences"][0]["uid"], "uid-web");
    EXPECT_EQ(created["spec"]["metrics"].size(), 4U); // two template metrics + two forecasts
    // Utilization 60 % of the mean request of the live pods (150m): 90m per pod.
    const json entry = forecast_entry(created);
    ASSERT_FALSE(entry.is_null()) << created.dump();
    EXPECT_EQ(entry["external"]["target"]["averageValue"], "90m");
    const json status = stored_ihpa("web")["status"];
    EXPECT_EQ(condition(status, "Ready")["status"], "True");
    EXPECT_EQ(condition(status, "ForecastReady")["reason"], "InUse");
    EXPECT_EQ(status["metrics"][0]["forecast"], "250");
    EXPECT_EQ(status["observedGeneration"], 1);
    // The cpu forecast is read from the resource metrics API by the Deployment's selector.
    ASSERT_EQ(backend.applied["default/web"].size(), 2U);
    EXPECT_EQ(backend.applied["default/web"][0].series,
              (SeriesSource{"kubernetes-metrics", "cpu in default where app=web"}));
    const auto events = cluster.client->list(kube::events(), "default");
    ASSERT_TRUE(events) << events.error().describe();
    std::set<std::string> reasons;
    for (const json& event : (*events)["items"]) {
        reasons.insert(event.value("reason", ""));
        EXPECT_EQ(event["regarding"]["name"], "web");
    }
    EXPECT_TRUE(reasons.contains("HpaCreated")) << events->dump();
    EXPECT_EQ(controller->counters().events_recorded, (*events)["items"].size());
    EXPECT_EQ(controller->counters().hpa_created, 1U);
    EXPECT_EQ(controller->counters().status_updated, 1U);

    // Our own status write and the HPA's creation come back as events: nothing more to write.
    controller->step();
    EXPECT_EQ(controller->counters().hpa_created, 1U);
    EXPECT_EQ(controller->counters().hpa_updated, 0U);
    EXPECT_EQ(controller->counters().status_updated, 1U);
}

TEST_F(ControllerFixture, RestoresAnHpaThatWasEditedOrDeleted)
{
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    json edited = hpa("web");
    edited["spec"]["maxReplicas"] = 99;
    cluster.server.put(kHpas, edited);
    controller->step();
    EXPECT_EQ(hpa("web")["spec"]["maxReplicas"], 10);
    EXPECT_EQ(controller->counters().hpa_updated, 1U);

    ASSERT_TRUE(cluster.server.erase(kHpas, "default", "ihpa-web"));
    controller->step();
    EXPECT_FALSE(hpa("web").is_null());
    EXPECT_EQ(controller->counters().hpa_created, 2U);
}

TEST_F(ControllerFixture, AFollowerRegistersForecastsButWritesNothingUntilItLeads)
{
    make_controller(kube::LeaderElectionOptions{"default", "ihpa-controller", "test-1"});
    EXPECT_FALSE(controller->leader());
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    EXPECT_EQ(backend.applied["default/web"].size(), 2U); // it serves them like the leader
    EXPECT_TRUE(hpa("web").is_null());
    EXPECT_FALSE(stored_ihpa("web").contains("status"));

    controller->set_leader(true); // queues every IHPA
    controller->process_ready();
    EXPECT_FALSE(hpa("web").is_null());
    EXPECT_TRUE(stored_ihpa("web").contains("status"));
}

TEST_F(ControllerFixture, ADeletedIhpaHasItsForecastsRemoved)
{
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    ASSERT_EQ(backend.applied["default/web"].size(), 2U);
    ASSERT_TRUE(cluster.server.erase(kIhpas, "default", "web"));
    controller->step();
    EXPECT_TRUE(backend.applied["default/web"].empty());
}

TEST_F(ControllerFixture, ABrokenIhpaDoesNotStopTheOthers)
{
    json broken = ihpa("api");
    broken["spec"]["template"]["spec"]["maxReplicas"] = "many";
    cluster.server.put(kIhpas, broken);
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    EXPECT_FALSE(hpa("web").is_null());
    EXPECT_TRUE(hpa("api").is_null());
    const json status = stored_ihpa("api")["status"];
    EXPECT_EQ(condition(status, "Ready")["reason"], "InvalidSpec");
}

TEST_F(ControllerFixture, AnHpaItDoesNotOwnIsNotAdopted)
{
    json foreign = {{"apiVersion", "autoscaling/v2"},
                    {"kind", "HorizontalPodAutoscaler"},
                    {"metadata", {{"name", "ihpa-web"}, {"namespace", "default"}}},
                    {"spec", {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
                              {"maxReplicas", 3}}}};
    cluster.server.put(kHpas, foreign);
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    EXPECT_EQ(hpa("web")["spec"]["maxReplicas"], 3);
    EXPECT_EQ(condition(stored_ihpa("web")["status"], "Ready")["reason"], "HpaNotOwned");
}

TEST_F(ControllerFixture, AConflictingWriteIsRetriedAfterItsDelay)
{
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    json edited = hpa("web");
    edited["spec"]["maxReplicas"] = 99;
    edited = cluster.server.put(kHpas, edited);
    controller->sync_informers(); // the controller sees maxReplicas 99 ...
    edited["spec"]["maxReplicas"] = 98;
    cluster.server.put(kHpas, edited); // ... but not this newer change: its update conflicts
    controller->process_ready();
    EXPECT_EQ(controller->counters().conflicts, 1U);
    EXPECT_EQ(hpa("web")["spec"]["maxReplicas"], 98);
    EXPECT_EQ(controller->step(), 1U); // the newer HPA event queues the key at once
    EXPECT_EQ(hpa("web")["spec"]["maxReplicas"], 10);
}

TEST_F(ControllerFixture, AFailedReadIsRetriedWithAGrowingDelay)
{
    cluster.server.put(kIhpas, ihpa("web"));
    controller->sync_informers();
    cluster.server.fail_next(1, 500, "InternalError"); // the discovery read of the round
    EXPECT_EQ(controller->process_ready(), 1U);
    EXPECT_TRUE(hpa("web").is_null());
    EXPECT_EQ(controller->counters().failed, 1U);
    EXPECT_EQ(controller->process_ready(), 0U); // waits for its retry delay (1 s)
    steady += 1s;
    EXPECT_EQ(controller->process_ready(), 1U);
    EXPECT_FALSE(hpa("web").is_null());
}

TEST_F(ControllerFixture, AForecastNotServableYetIsCheckedAgainWithoutAnEntry)
{
    backend.state = "unavailable";
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    EXPECT_TRUE(forecast_entry(hpa("web")).is_null()); // a 503 would block every scale-down
    EXPECT_EQ(controller->queue_depth(), 1U);          // queued again after its delay
    backend.state = "forecast";
    steady += 1s;
    controller->step();
    EXPECT_FALSE(forecast_entry(hpa("web")).is_null());
    EXPECT_EQ(controller->queue_depth(), 0U);
}

TEST_F(ControllerFixture, AMissingScaleTargetIsReportedNotRetriedInALoop)
{
    json lost = ihpa("gone");
    cluster.server.put(kIhpas, lost);
    controller->step();
    const json status = stored_ihpa("gone")["status"];
    EXPECT_EQ(condition(status, "Degraded")["status"], "True");
    EXPECT_NE(condition(status, "Degraded")["message"].get<std::string>().find("scale target"), std::string::npos)
        << status.dump();
}

TEST_F(ControllerFixture, FiguresAloneAreWrittenOncePerResyncPeriodAndStatesAtOnce)
{
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    ASSERT_EQ(controller->counters().status_updated, 1U);
    backend.served = 260.0; // the next sample moved the forecast
    controller->resync();
    controller->step();
    EXPECT_EQ(controller->counters().status_updated, 1U);
    EXPECT_EQ(stored_ihpa("web")["status"]["metrics"][0]["forecast"], "250");
    steady += 30s; // the resync period
    controller->resync();
    controller->step();
    EXPECT_EQ(controller->counters().status_updated, 2U);
    EXPECT_EQ(stored_ihpa("web")["status"]["metrics"][0]["forecast"], "260");
    backend.state = "stale"; // a state a user must see now
    controller->resync();
    controller->step();
    EXPECT_EQ(controller->counters().status_updated, 3U);
    EXPECT_EQ(condition(stored_ihpa("web")["status"], "Degraded")["reason"], "Stale");
}

TEST_F(ControllerFixture, MetricsShowLeadershipQueueAndWrites)
{
    cluster.server.put(kIhpas, ihpa("web"));
    controller->step();
    const std::string text = controller->render_metrics();
    EXPECT_NE(text.find("ihpa_controller_leader 1\n"), std::string::npos);
    EXPECT_NE(text.find("ihpa_controller_reconciles_total{result=\"success\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("ihpa_controller_writes_total{kind=\"hpa_create\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("ihpa_controller_queue_depth 0\n"), std::string::npos);
}

} // namespace
} // namespace ihpa::controller::test
