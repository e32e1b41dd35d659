// The reconciler over every metric type x target type, both modes and every state the
// existing HPA can be in: each row checks the HPA written (or not), the forecast entry and the
// conditions that say so.
#include "controller/reconciler.hpp"
#include "test/unit/controller/ihpa_fixture.hpp"

#include <gtest/gtest.h>

namespace ihpa::controller::test {
namespace {

using nlohmann::json;

struct MetricRow {
    const char* name;
    json metric;      ///< the template's MetricSpec
    json overrides;   ///< spec.metrics (sources for Pods and Object metrics)
    std::string key;
    std::string entry_type;  ///< the forecast entry's target type
    json entry_value;        ///< and its value
};

std::vector<MetricRow> metric_rows()
{
    const json pods_source = json::array(
        {{{"key", "queue_jobs"}, {"source", {{"prometheus", {{"query", "sum(jobs)"}}}}}}});
    const json object_source = json::array(
        {{{"key", "requests_per_second"},
          {"source", {{"prometheus", {{"query", "sum(rate(requests[1m]))"}}}}}}});
    const auto object_metric = [](const std::string& type, const json& value) {
        json target = {{"type", type}};
        target[type == "Value" ? "value" : "averageValue"] = value;
        return json{{"type", "Object"},
                    {"object",
                     {{"describedObject",
                       {{"apiVersion", "networking.k8s.io/v1"}, {"kind", "Ingress"},
                        {"name", "main"}}},
                      {"metric", {{"name", "requests_per_second"}}},
                      {"target", target}}}};
    };
    return {
        // 60 % of the mean pod request (500m) is 300m per pod
        {"ResourceUtilization", cpu_utilization(60), nullptr, "cpu", "AverageValue", "300m"},
        {"ResourceAverageValue",
         {{"type", "Resource"},
          {"resource",
           {{"name", "memory"}, {"target", {{"type", "AverageValue"}, {"averageValue", "200Mi"}}}}}},
         nullptr, "memory", "AverageValue", "200Mi"},
        {"ContainerResourceUtilization",
         {{"type", "ContainerResource"},
          {"containerResource",
           {{"name", "cpu"}, {"container", "web"},
            {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}},
         nullptr, "cpu", "AverageValue", "400m"},
        {"ContainerResourceAverageValue",
         {{"type", "ContainerResource"},
          {"containerResource",
           {{"name", "memory"}, {"container", "web"},
            {"target", {{"type", "AverageValue"}, {"averageValue", "1Gi"}}}}}},
         nullptr, "memory", "AverageValue", "1Gi"},
        {"PodsAverageValue",
         {{"type", "Pods"},
          {"pods",
           {{"metric", {{"name", "queue_jobs"}}},
            {"target", {{"type", "AverageValue"}, {"averageValue", 5}}}}}},
         pods_source, "queue_jobs", "AverageValue", 5},
        {"ObjectValue", object_metric("Value", "10k"), object_source, "requests_per_second",
         "Value", "10k"},
        {"ObjectAverageValue", object_metric("AverageValue", "500m"), object_source,
         "requests_per_second", "AverageValue", "500m"},
        {"ExternalValue", external_metric("HTTP_Requests", "Value", 1000), nullptr,
         "http_requests", "Value", 1000},
        {"ExternalAverageValue", external_metric("http_requests", "AverageValue", "100"), nullptr,
         "http_requests", "AverageValue", "100"},
    };
}

enum class HpaState { Absent, OursInSync, OursDrifted, NotOwned, BeingDeleted };

struct Case {
    MetricRow metric;
    Mode mode;
    HpaState hpa;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info)
{
    static const char* const kStates[] = {"Absent", "OursInSync", "OursDrifted", "NotOwned",
                                          "BeingDeleted"};
    return std::string(info.param.metric.name) +
           (info.param.mode == Mode::Auto ? "_Auto_" : "_Preview_") +
           kStates[static_cast<int>(info.param.hpa)];
}

std::vector<Case> cases()
{
    std::vector<Case> all;
    for (const MetricRow& metric : metric_rows()) {
        for (const Mode mode : {Mode::Auto, Mode::Preview}) {
            for (const HpaState hpa : {HpaState::Absent, HpaState::OursInSync,
                                       HpaState::OursDrifted, HpaState::NotOwned,
                                       HpaState::BeingDeleted}) {
                all.push_back({metric, mode, hpa});
            }
        }
    }
    return all;
}

class ReconcilerMatrix : public ::testing::TestWithParam<Case> {};

TEST_P(ReconcilerMatrix, WritesTheHpaOnlyWhenNeededWithTheForecastEntryOfTheMode)
{
    const Case& c = GetParam();
    json spec = {{"mode", c.mode == Mode::Auto ? "Auto" : "Preview"}};
    if (!c.metric.overrides.is_null()) {
        spec["metrics"] = c.metric.overrides;
    }
    ReconcileInput input = input_for(ihpa_object(json::array({c.metric.metric}), spec));
    input.forecasts[c.metric.key] = fitted_forecast();

    const ReconcileResult created = reconcile(input);
    ASSERT_EQ(created.action, HpaAction::Create);
    const json& desired = created.hpa;
    EXPECT_EQ(desired["metadata"]["name"], "ihpa-web");
    EXPECT_EQ(desired["metadata"]["labels"], json({{"team", "shop"}}));
    EXPECT_EQ(desired["metadata"]["ownerReferences"][0]["uid"], "uid-web");
    EXPECT_EQ(desired["metadata"]["ownerReferences"][0]["controller"], true);
    const json& metrics = desired["spec"]["metrics"];
    EXPECT_EQ(metrics[0], c.metric.metric) << "the template's metric is copied verbatim";
    if (c.mode == Mode::Auto) {
        ASSERT_EQ(metrics.size(), 2U) << metrics;
        const json& entry = metrics[1]["external"];
        EXPECT_EQ(entry["metric"]["name"], "ihpa-forecast");
        EXPECT_EQ(entry["metric"]["selector"]["matchLabels"],
                  json({{"ihpa.dev/name", "web"}, {"ihpa.dev/metric", c.metric.key}}));
        EXPECT_EQ(entry["target"]["type"], c.metric.entry_type);
        EXPECT_EQ(entry["target"][c.metric.entry_type == "Value" ? "value" : "averageValue"],
                  c.metric.entry_value);
    } else {
        EXPECT_EQ(metrics.size(), 1U) << "Preview: the user's metrics only";
    }
    ASSERT_EQ(created.forecasts.size(), 1U) << "the forecast is computed in both modes";
    EXPECT_EQ(created.forecasts[0].metric, c.metric.key);
    const json& metric_status = (*created.status)["metrics"][0];
    EXPECT_EQ(metric_status["inUse"], c.mode == Mode::Auto);
    EXPECT_EQ(metric_status["forecast"], "150500m");
    EXPECT_EQ(condition(*created.status, "ForecastReady")["reason"],
              c.mode == Mode::Auto ? "InUse" : "Preview");

    json observed = stored(desired);
    HpaAction action = HpaAction::None;
    std::string ready = "HpaReady";
    switch (c.hpa) {
    case HpaState::Absent:
        return;
    case HpaState::OursInSync:
        break;
    case HpaState::OursDrifted:
        observed["spec"]["maxReplicas"] = 99;
        observed["spec"]["metrics"] = json::array({c.metric.metric});
        action = HpaAction::Update;
        break;
    case HpaState::NotOwned:
        observed["metadata"].erase("ownerReferences");
        ready = "HpaNotOwned";
        break;
    case HpaState::BeingDeleted:
        observed["metadata"]["deletionTimestamp"] = "2026-12-02T11:59:00Z";
        ready = "HpaBeingDeleted";
        break;
    }
    input.hpa = observed;
    const ReconcileResult result = reconcile(input);
    EXPECT_EQ(result.action, action) << observed.dump(2);
    EXPECT_EQ(condition(*result.status, "Ready")["reason"], ready);
    if (action == HpaAction::Update) {
        EXPECT_EQ(result.hpa["spec"], desired["spec"]) << "the drift is repaired";
        EXPECT_EQ(result.hpa["metadata"]["resourceVersion"], "41");
    }
    if (c.hpa == HpaState::NotOwned) {
        ASSERT_FALSE(result.events.empty());
        EXPECT_EQ(result.events[0], (Event{"Warning", "HpaNotOwned",
                                           condition(*result.status, "Ready")["message"]}));
        EXPECT_FALSE(result.status->contains("currentReplicas"));
    }
}

INSTANTIATE_TEST_SUITE_P(AllCombinations, ReconcilerMatrix, ::testing::ValuesIn(cases()),
                         case_name);

} // namespace
} // namespace ihpa::controller::test
