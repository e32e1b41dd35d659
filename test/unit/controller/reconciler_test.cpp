// The reconciler's status, conditions and events: forecast states, Utilization bases that
// cannot be computed, Preview, invalid specs, deletion, and what stays stable between rounds.
#include "controller/reconciler.hpp"
#include "test/unit/controller/ihpa_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ihpa::controller::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

/// An IHPA on cpu 60 % and an External AverageValue metric.
json two_metric_ihpa(const json& spec = json::object())
{
    return ihpa_object(
        json::array({cpu_utilization(60), external_metric("http_requests", "AverageValue", "100")}),
        spec);
}

std::size_t forecast_entries(const ReconcileResult& result)
{
    std::size_t count = 0;
    for (const json& metric : result.hpa["spec"]["metrics"]) {
        count += metric.contains("external") &&
                 metric["external"]["metric"]["name"] == "ihpa-forecast";
    }
    return count;
}

struct StateCase {
    const char* name;
    std::optional<std::string> state; ///< nullopt: the adapter has not reported yet
    bool in_use;
    std::string ready_status;
    std::string ready_reason;
    std::string degraded;
};

TEST(Reconciler, ForecastStatesDecideUseAndConditions)
{
    const StateCase cases[] = {
        {"fitted", "forecast", true, "True", "InUse", "False"},
        {"cold start: the latest value is served", "coldStart", true, "False", "ColdStart", "False"},
        {"not fitted yet", "notFitted", true, "False", "NotFitted", "False"},
        {"stale data: still served, degraded", "stale", true, "False", "Stale", "True"},
        {"unavailable: would block scale-down", "unavailable", false, "False", "Unavailable",
         "True"},
        {"not reported yet", std::nullopt, false, "False", "Pending", "False"},
    };
    for (const StateCase& c : cases) {
        SCOPED_TRACE(c.name);
        ReconcileInput input = input_for(two_metric_ihpa());
        input.forecasts["cpu"] = fitted_forecast();
        if (c.state) {
            ForecastStatus status = fitted_forecast();
            status.state = *c.state;
            status.message = *c.state == "forecast" ? "" : "because " + *c.state;
            input.forecasts["http_requests"] = status;
        }
        const ReconcileResult result = reconcile(input);
        EXPECT_EQ(forecast_entries(result), c.in_use ? 2U : 1U);
        const json ready = condition(*result.status, "ForecastReady");
        EXPECT_EQ(ready["status"], c.ready_status);
        EXPECT_EQ(ready["reason"], c.ready_reason);
        EXPECT_EQ(condition(*result.status, "Degraded")["status"], c.degraded);
        EXPECT_EQ((*result.status)["metrics"][1]["inUse"], c.in_use);
        if (c.ready_reason != "InUse") {
            EXPECT_NE(ready["message"].get<std::string>().find("http_requests: "),
                      std::string::npos)
                << ready["message"];
        }
    }
}

struct BaseCase {
    const char* name;
    std::optional<std::vector<ObservedPod>> pods;
    std::string reason;
    std::string message_part;
};

TEST(Reconciler, UtilizationWithoutARequestBaseOmitsOnlyThatForecast)
{
    const ObservedContainer requested{"web", {{"cpu", 0.5}}};
    const ObservedContainer sidecar{"proxy", {}};
    const BaseCase cases[] = {
        {"a container without a cpu request",
         std::vector<ObservedPod>{{"web-1-a", true, {requested, sidecar}}}, "MissingRequests",
         "container proxy of pod web-1-a has no cpu request"},
        {"no live pod",
         std::vector<ObservedPod>{{"web-1-a", false, {requested}}}, "NoPods", "no live pods"},
        {"no pod at all", std::vector<ObservedPod>{}, "NoPods", "no live pods"},
        {"scale target missing", std::nullopt, "ScaleTargetNotFound", "was not found"},
    };
    for (const BaseCase& c : cases) {
        SCOPED_TRACE(c.name);
        ReconcileInput input = input_for(two_metric_ihpa());
        input.pods = c.pods;
        input.forecasts["cpu"] = fitted_forecast();
        input.forecasts["http_requests"] = fitted_forecast();
        const ReconcileResult result = reconcile(input);
        const json& metrics = result.hpa["spec"]["metrics"];
        ASSERT_EQ(metrics.size(), 3U) << "both user metrics and the http_requests forecast";
        EXPECT_EQ(metrics[2]["external"]["metric"]["selector"]["matchLabels"]["ihpa.dev/metric"],
                  "http_requests");
        for (const char* type : {"ForecastReady", "Degraded"}) {
            const json cond = condition(*result.status, type);
            EXPECT_EQ(cond["reason"], c.reason) << type;
            EXPECT_NE(cond["message"].get<std::string>().find(c.message_part), std::string::npos)
                << cond["message"];
        }
        const json& status = (*result.status)["metrics"][0];
        EXPECT_EQ(status["state"], "noTarget");
        EXPECT_EQ(status["inUse"], false);
        EXPECT_FALSE(status.contains("target"));
        const bool warned = std::any_of(result.events.begin(), result.events.end(), [&](const Event& e) {
            return e.type == "Warning" && e.reason == c.reason;
        });
        EXPECT_TRUE(warned) << "an event tells the user";
        EXPECT_EQ(result.forecasts.size(), 2U) << "the forecast is still computed for status";
    }
}

TEST(Reconciler, UtilizationSumsEveryContainerOfEveryLivePod)
{
    ReconcileInput input = input_for(ihpa_object(json::array({cpu_utilization(50)})));
    input.pods = std::vector<ObservedPod>{
        {"web-1-a", true, {{"web", {{"cpu", 1.0}}}, {"istio-proxy", {{"cpu", 0.1}}}}},
        {"web-1-b", true, {{"web", {{"cpu", 1.0}}}, {"istio-proxy", {{"cpu", 0.1}}}}},
        {"web-0-old", false, {{"web", {{"cpu", 8.0}}}}}};
    input.forecasts["cpu"] = fitted_forecast();
    const ReconcileResult result = reconcile(input);
    // 50 % of (1 + 0.1) cores: the sidecar counts, the terminating pod does not
    EXPECT_EQ(result.hpa["spec"]["metrics"][1]["external"]["target"]["averageValue"], "550m");
    EXPECT_EQ((*result.status)["metrics"][0]["target"], "550m");
}

TEST(Reconciler, ATrafficForecastServedFromItsOwnHistoryIsDegradedButReady)
{
    ReconcileInput input = input_for(ihpa_object(json::array({cpu_utilization(60)})));
    input.forecasts["cpu"] = fitted_forecast();
    input.forecasts["cpu"].model = "direct (traffic: held-out R² 0.31 below minR2 0.5): holtWinters";
    input.forecasts["cpu"].traffic_r2 = 0.31;
    const ReconcileResult result = reconcile(input);
    const json& status = *result.status;
    const json degraded = condition(status, "Degraded");
    EXPECT_EQ(degraded["status"], "True");
    EXPECT_EQ(degraded["reason"], "TrafficFallback");
    EXPECT_EQ(degraded["message"],
              "cpu: forecast from its own history, not its traffic: held-out R² 0.31 below minR2 0.5");
    EXPECT_EQ(condition(status, "ForecastReady")["status"], "True");
    EXPECT_EQ(status["metrics"][0]["inUse"], true);
    EXPECT_EQ(status["metrics"][0]["trafficR2"], 0.31);
    EXPECT_EQ(result.hpa["spec"]["metrics"].size(), 2U); // the forecast entry is still read
    // A traffic fit in use is not degraded.
    input.forecasts["cpu"].model = "traffic(b0=0.1,b=[0.002],lambda=0,clock=0.4,ar=0.2,r2=0.93) drivers: auto";
    EXPECT_EQ(condition(*reconcile(input).status, "Degraded")["status"], "False");
}

TEST(Reconciler, StatusCarriesTheAdaptersFiguresPerMetric)
{
    ReconcileInput input = input_for(ihpa_object(json::array({cpu_utilization(60)})));
    input.forecasts["cpu"] = fitted_forecast();
    input.hpa = stored(reconcile(input).hpa);
    (*input.hpa)["status"] = {
        {"currentReplicas", 3},
        {"desiredReplicas", 4},
        {"conditions", {{{"type", "ScalingActive"}, {"status", "True"}, {"reason", "ValidMetricFound"},
                         {"message", "the HPA was able to compute the replica count"}}}}};
    const ReconcileResult result = reconcile(input);
    const json& status = *result.status;
    // A traffic-driven forecast adds its model's held-out R².
    ReconcileInput traffic = input;
    traffic.forecasts["cpu"].traffic_r2 = 0.93;
    EXPECT_EQ((*reconcile(traffic).status)["metrics"][0]["trafficR2"], 0.93);
    EXPECT_FALSE(status["metrics"][0].contains("trafficR2"));
    EXPECT_EQ(status["observedGeneration"], 3);
    EXPECT_EQ(status["hpaName"], "ihpa-web");
    EXPECT_EQ(status["currentReplicas"], 3);
    EXPECT_EQ(status["desiredReplicas"], 4);
    EXPECT_EQ(status["metrics"][0],
              json({{"key", "cpu"}, {"state", "forecast"}, {"inUse", true}, {"target", "300m"},
                    {"current", "120"}, {"forecast", "150500m"}, {"model", "holtWinters"},
                    {"relMAE", 0.62}, {"coverage", 0.81}, {"lastFit", "2026-12-02T11:55:00Z"}}));
    const json scaling = condition(status, "ScalingActive");
    EXPECT_EQ(scaling["status"], "True");
    EXPECT_EQ(scaling["reason"], "ValidMetricFound");
    EXPECT_EQ(condition(status, "Ready")["reason"], "HpaReady");
}

TEST(Reconciler, ASecondRoundWithNothingChangedKeepsTimesAndRecordsNoEvent)
{
    ReconcileInput input = input_for(two_metric_ihpa());
    input.forecasts["cpu"] = fitted_forecast();
    const ReconcileResult first = reconcile(input);
    ASSERT_FALSE(first.events.empty());

    input.ihpa["status"] = *first.status;
    input.hpa = stored(first.hpa);
    input.now += 10min;
    const ReconcileResult second = reconcile(input);
    EXPECT_EQ(second.action, HpaAction::None);
    EXPECT_TRUE(second.events.empty()) << second.events[0].reason;
    for (const char* type : {"Ready", "ForecastReady", "Degraded"}) {
        EXPECT_EQ(condition(*second.status, type)["lastTransitionTime"], "2026-12-02T12:00:00Z")
            << type;
    }

    // http_requests becomes fitted: ForecastReady flips, its time moves, one event says so
    input.ihpa["status"] = *second.status;
    input.forecasts["http_requests"] = fitted_forecast();
    input.now += 5min;
    const ReconcileResult third = reconcile(input);
    EXPECT_EQ(third.action, HpaAction::Update) << "the new forecast entry is added";
    const json ready = condition(*third.status, "ForecastReady");
    EXPECT_EQ(ready["status"], "True");
    EXPECT_EQ(ready["lastTransitionTime"], "2026-12-02T12:15:00Z");
    EXPECT_EQ(condition(*third.status, "Ready")["lastTransitionTime"], "2026-12-02T12:00:00Z");
    ASSERT_EQ(third.events.size(), 2U);
    EXPECT_EQ(third.events[0].reason, "HpaUpdated");
    EXPECT_EQ(third.events[1], (Event{"Normal", "InUse", "the HPA reads a forecast of every metric"}));
}

TEST(Reconciler, ServerSideDefaultsCanonicalQuantitiesAndMetricOrderAreNoDrift)
{
    json ihpa = ihpa_object(json::array({external_metric("http_requests", "AverageValue", "0.5")}));
    ihpa["spec"]["template"]["spec"].erase("minReplicas");
    ihpa["spec"]["template"]["spec"]["behavior"] = {{"scaleDown", {{"stabilizationWindowSeconds", 60}}}};
    ReconcileInput input = input_for(ihpa);
    input.forecasts["http_requests"] = fitted_forecast();
    const ReconcileResult created = reconcile(input);
    EXPECT_EQ(created.hpa["spec"]["behavior"], ihpa["spec"]["template"]["spec"]["behavior"])
        << "behavior is copied verbatim";
    input.hpa = stored(created.hpa);
    ASSERT_EQ((*input.hpa)["spec"]["metrics"][0]["external"]["target"]["averageValue"], "500m");
    (*input.hpa)["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}};
    EXPECT_EQ(reconcile(input).action, HpaAction::None);
    json& metrics = (*input.hpa)["spec"]["metrics"];
    ASSERT_EQ(metrics.size(), 2U);
    std::swap(metrics[0], metrics[1]);
    EXPECT_EQ(reconcile(input).action, HpaAction::None) << "the apiserver may reorder metrics";

    (*input.hpa)["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] = 300;
    const ReconcileResult repaired = reconcile(input);
    ASSERT_EQ(repaired.action, HpaAction::Update);
    EXPECT_EQ(repaired.hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"], 60);
    EXPECT_EQ(repaired.hpa["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
              "{}")
        << "what other tools added is kept";
}

TEST(Reconciler, ARemovedTemplateLabelIsRepaired)
{
    ReconcileInput input = input_for(ihpa_object(json::array({cpu_utilization(60)})));
    input.hpa = stored(reconcile(input).hpa);
    (*input.hpa)["metadata"]["labels"] = {{"team", "other"}};
    const ReconcileResult result = reconcile(input);
    ASSERT_EQ(result.action, HpaAction::Update);
    EXPECT_EQ(result.hpa["metadata"]["labels"]["team"], "shop");
}

TEST(Reconciler, AnIhpaBeingDeletedGetsNothing)
{
    json ihpa = two_metric_ihpa();
    ihpa["metadata"]["deletionTimestamp"] = "2026-12-02T11:59:00Z";
    const ReconcileResult result = reconcile(input_for(ihpa));
    EXPECT_EQ(result.action, HpaAction::None);
    EXPECT_FALSE(result.status.has_value());
    EXPECT_TRUE(result.events.empty());
    EXPECT_TRUE(result.forecasts.empty()) << "its forecasts are unregistered";
}

TEST(Reconciler, AnInvalidSpecLeavesTheHpaAndSaysWhy)
{
    json ihpa = two_metric_ihpa({{"forecast", {{"leadTime", "2d"}}}});
    ReconcileInput input = input_for(ihpa);
    input.hpa = stored(reconcile(input_for(two_metric_ihpa())).hpa);
    const ReconcileResult result = reconcile(input);
    EXPECT_EQ(result.action, HpaAction::None);
    EXPECT_TRUE(result.forecasts.empty());
    const json ready = condition(*result.status, "Ready");
    EXPECT_EQ(ready["status"], "False");
    EXPECT_EQ(ready["reason"], "InvalidSpec");
    EXPECT_EQ(ready["message"], "spec.forecast.leadTime: must be between 0s and 24h");
    EXPECT_EQ((*result.status)["observedGeneration"], 3);
    ASSERT_FALSE(result.events.empty());
    EXPECT_EQ(result.events[0].type, "Warning");
}

TEST(Reconciler, ANewIhpaCreatesItsHpaAtOnceAndAddsForecastsWhenReported)
{
    ReconcileInput input = input_for(two_metric_ihpa());
    const ReconcileResult result = reconcile(input);
    ASSERT_EQ(result.action, HpaAction::Create);
    EXPECT_EQ(forecast_entries(result), 0U) << "nothing is read before the adapter serves it";
    EXPECT_EQ(result.events[0], (Event{"Normal", "HpaCreated", "created the HPA default/ihpa-web"}));
    EXPECT_EQ(condition(*result.status, "ForecastReady")["reason"], "Pending");
    EXPECT_EQ(condition(*result.status, "ScalingActive")["status"], "Unknown");
    ASSERT_EQ(result.forecasts.size(), 2U);
    EXPECT_EQ(forecast_id(result.forecasts[0]), "ihpa/default/web/cpu");
    EXPECT_EQ(result.forecasts[0].settings.shift.band, model::ShiftBand::Upper)
        << "design.md's default band for IHPAs";
}

TEST(Reconciler, AMetricWithoutASourceIsReportedAndNotForecast)
{
    ReconcileInput input = input_for(two_metric_ihpa());
    input.catalog.pass_through = nullptr;
    input.forecasts["cpu"] = fitted_forecast();
    const ReconcileResult result = reconcile(input);
    EXPECT_EQ(result.forecasts.size(), 1U);
    EXPECT_EQ(forecast_entries(result), 1U);
    const json degraded = condition(*result.status, "Degraded");
    EXPECT_EQ(degraded["reason"], "NoSource");
    EXPECT_EQ(degraded["message"],
              "http_requests: no pass-through rule of the adapter serves external metric "
              "http_requests; give spec.metrics[].source");
}

} // namespace
} // namespace ihpa::controller::test
