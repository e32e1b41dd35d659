// parse_ihpa: the defaults of design.md, overrides, and every invalid spec named by its path.
#include "controller/ihpa.hpp"
#include "test/unit/controller/ihpa_fixture.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace ihpa::controller::test {
namespace {

using nlohmann::json;

TEST(ParseIhpa, AppliesDesignDefaultsAndPerMetricOverrides)
{
    const json object = ihpa_object(
        json::array({cpu_utilization(60), external_metric("HTTP_Requests", "AverageValue", 100)}),
        {{"forecast", {{"leadTime", "3m"}, {"history", "7d"}, {"seasonality", "1d"}}},
         {"metrics",
          {{{"key", "http_requests"},
            {"forecast", {{"band", "yhat"}, {"rule", "point"}, {"floor", 2}}},
            {"source", {{"redis", {{"name", "queues"}, {"query", "LLEN q"}}}}}}}}});
    const auto parsed = parse_ihpa(object);
    ASSERT_TRUE(parsed) << parsed.error()[0];
    EXPECT_EQ(parsed->mode, Mode::Auto);
    ASSERT_EQ(parsed->metrics.size(), 2U);
    EXPECT_EQ(parsed->metrics[1].key, "http_requests");
    EXPECT_EQ(parsed->metrics[1].name, "HTTP_Requests");
    const ForecastSettings& cpu = parsed->forecasts[0].settings;
    EXPECT_EQ(cpu.shift.lead_seconds, 180);
    EXPECT_EQ(cpu.shift.rule, model::ShiftRule::WindowMax);
    EXPECT_EQ(cpu.shift.band, model::ShiftBand::Upper);
    EXPECT_EQ(cpu.model, "auto");
    EXPECT_EQ(cpu.step, std::chrono::seconds(60));
    EXPECT_EQ(cpu.history, std::chrono::seconds(7 * 86400));
    EXPECT_EQ(cpu.seasonality, common::SeasonalPeriods(std::vector<std::int64_t>{86400}));
    EXPECT_FALSE(parsed->forecasts[0].source.has_value());
    const MetricForecast& http = parsed->forecasts[1];
    EXPECT_EQ(http.settings.shift.lead_seconds, 180) << "the IHPA's defaults, then the override";
    EXPECT_EQ(http.settings.shift.band, model::ShiftBand::Yhat);
    EXPECT_EQ(http.settings.shift.rule, model::ShiftRule::Point);
    EXPECT_EQ(http.settings.shift.floor, 2.0);
    ASSERT_TRUE(http.source.has_value());
    EXPECT_EQ(http.source->kind, "redis");
    EXPECT_EQ(http.source->name, "queues");
    EXPECT_EQ(http.source->query, "LLEN q");
}

struct BadCase {
    const char* name;
    std::function<void(json&)> edit;
    std::string problem; ///< one of the problems, exactly
};

TEST(ParseIhpa, RejectsEachInvalidSpecNamingTheField)
{
    const auto metric0 = [](json& o) -> json& { return o["spec"]["template"]["spec"]["metrics"][0]; };
    const BadCase cases[] = {
        {"missing scaleTargetRef", [](json& o) { o["spec"]["template"]["spec"].erase("scaleTargetRef"); },
         "spec.template.spec.scaleTargetRef: required"},
        {"minReplicas above maxReplicas", [](json& o) { o["spec"]["template"]["spec"]["minReplicas"] = 11; },
         "spec.template.spec: minReplicas (11) must not exceed maxReplicas (10)"},
        {"maxReplicas zero", [](json& o) { o["spec"]["template"]["spec"]["maxReplicas"] = 0; },
         "spec.template.spec.maxReplicas: must be an integer of at least 1"},
        {"no metrics", [](json& o) { o["spec"]["template"]["spec"]["metrics"] = json::array(); },
         "spec.template.spec.metrics: required (at least one metric)"},
        {"bad duration", [](json& o) { o["spec"]["forecast"] = {{"leadTime", "3 minutes"}}; },
         "spec.forecast.leadTime: unknown unit ' ' (use ms, s, m, h or d)"},
        {"duration bound in days", [](json& o) { o["spec"]["forecast"] = {{"history", "1d1d399d1s"}}; },
         "spec.forecast.history: must be between 1s and 9600h"},
        {"fractional step", [](json& o) { o["spec"]["forecast"] = {{"step", "1.5s"}}; },
         "spec.forecast.step: must be whole seconds"},
        {"bad band", [](json& o) { o["spec"]["forecast"] = {{"band", "top"}}; },
         "spec.forecast.band: unknown band \"top\" (known: yhat, upper, adjust)"},
        {"unknown model", [](json& o) { o["spec"]["forecast"] = {{"model", "prophet"}}; },
         "spec.forecast.model: unknown model \"prophet\" (known: auto, holtWinters, holt, fourier, "
         "stl, directRegression, seasonalNaive, localLevel, naive)"},
        {"unknown forecast key", [](json& o) { o["spec"]["forecast"] = {{"lead", "5m"}}; },
         "spec.forecast: unknown key \"lead\" (known: leadTime, rule, band, floor, model, "
         "seasonality, history, step, minHistory, maxStaleness, hardStaleness, refitInterval)"},
        {"history shorter than minHistory", [](json& o) { o["spec"]["forecast"] = {{"history", "10m"}}; },
         "spec.forecast: history holds 10 steps, fewer than minHistory (30)"},
        {"season longer than half the history",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"forecast", {{"seasonality", "weekly"}, {"history", "10d"}}}}}; },
         "spec.metrics[0].forecast.seasonality: period 168h needs two cycles of history, more "
         "than history (240h)"},
        {"hard staleness shorter", [](json& o) { o["spec"]["forecast"] = {{"maxStaleness", "2h"}}; },
         "spec.forecast: hardStaleness must not be shorter than maxStaleness"},
        {"bad mode", [](json& o) { o["spec"]["mode"] = "Manual"; },
         "spec.mode: must be Auto or Preview, not \"Manual\""},
        {"override of no metric", [](json& o) { o["spec"]["metrics"] = {{{"key", "memory"}}}; },
         "spec.metrics[0].key: \"memory\" is no metric of the template (keys: cpu)"},
        {"override twice", [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}}, {{"key", "cpu"}}}; },
         "spec.metrics[1].key: \"cpu\" is given twice"},
        {"two source kinds",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"source", {{"prometheus", {{"query", "a"}}}, {"redis", {{"query", "LLEN a"}}}}}}}; },
         "spec.metrics[0].source: sets both prometheus and redis; give exactly one"},
        {"unknown source kind",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"source", {{"influx", {{"query", "a"}}}}}}}; },
         "spec.metrics[0].source: unknown source kind \"influx\" (known: prometheus, datadog, redis, replay)"},
        {"traffic without drivers",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"traffic", {{"replicas", {{"replay", json::object()}}}}}}}; },
         "spec.metrics[0].traffic.drivers: required (the series that drive the metric)"},
        {"traffic with an empty list of drivers",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"traffic", {{"drivers", json::array()}, {"replicas", {{"replay", json::object()}}}}}}}; },
         "spec.metrics[0].traffic.drivers: must be a list of at least one source"},
        {"traffic without replicas",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"traffic", {{"drivers", {{{"replay", json::object()}}}}}}}}; },
         "spec.metrics[0].traffic.replicas: required (the series of the workload's replica count)"},
        {"traffic driver of an unknown kind",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"traffic", {{"drivers", {{{"influx", {{"query", "a"}}}}}}, {"replicas", {{"replay", json::object()}}}}}}}; },
         "spec.metrics[0].traffic.drivers[0]: unknown source kind \"influx\" (known: prometheus, datadog, redis, replay)"},
        {"traffic minR2 out of range",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"traffic", {{"drivers", {{{"replay", json::object()}}}}, {"replicas", {{"replay", json::object()}}}, {"minR2", 3}}}}}; },
         "spec.metrics[0].traffic.minR2: must be a number between -1 and 1"},
        {"traffic with an unknown key",
         [](json& o) { o["spec"]["metrics"] = {{{"key", "cpu"}, {"traffic", {{"drivers", {{{"replay", json::object()}}}}, {"replicas", {{"replay", json::object()}}}, {"lag", 1}}}}}; },
         "spec.metrics[0].traffic: unknown key \"lag\" (known: drivers, replicas, minR2)"},
        {"Value target on a Resource metric",
         [&](json& o) { metric0(o)["resource"]["target"] = {{"type", "Value"}, {"value", "1"}}; },
         "spec.template.spec.metrics[0].resource.target.type: Resource metrics take a "
         "Utilization or AverageValue target, not \"Value\""},
        {"Utilization without a percentage",
         [&](json& o) { metric0(o)["resource"]["target"].erase("averageUtilization"); },
         "spec.template.spec.metrics[0].resource.target.averageUtilization: required for a "
         "Utilization target (an integer percentage of at least 1)"},
        {"type without its member", [&](json& o) { metric0(o)["type"] = "Pods"; },
         "spec.template.spec.metrics[0].pods: required"},
        {"duplicate metric key",
         [](json& o) { o["spec"]["template"]["spec"]["metrics"].push_back(cpu_utilization(70)); },
         "spec.template.spec.metrics[1]: metric key \"cpu\" is also the key of "
         "spec.template.spec.metrics[0]; keys must be unique within an IHPA"},
        {"key that is no label value",
         [](json& o) { o["spec"]["template"]["spec"]["metrics"] = {external_metric("jobs/s", "Value", 1)}; },
         "spec.template.spec.metrics[0].external: the metric key \"jobs/s\" (the name, "
         "lowercase) must be a label value: at most 63 letters, digits, '-', '_' or '.', "
         "starting and ending with a letter or digit"},
        {"name too long", [](json& o) { o["metadata"]["name"] = std::string(59, 'a'); },
         "metadata.name: must be at most 58 characters (the HPA is ihpa-<name> and the name is "
         "a label value)"},
        {"no spec", [](json& o) { o.erase("spec"); }, "spec: required"},
    };
    for (const BadCase& c : cases) {
        SCOPED_TRACE(c.name);
        json object = ihpa_object(json::array({cpu_utilization(60)}));
        c.edit(object);
        const auto parsed = parse_ihpa(object);
        ASSERT_FALSE(parsed);
        EXPECT_NE(std::find(parsed.error().begin(), parsed.error().end(), c.problem),
                  parsed.error().end())
            << "got: " << json(parsed.error()).dump(1);
    }
}

TEST(ParseIhpa, ReportsEveryProblemAtOnce)
{
    json object = ihpa_object(json::array({cpu_utilization(60)}),
                              {{"mode", "Manual"}, {"forecast", {{"band", "top"}}}});
    object["spec"]["template"]["spec"]["minReplicas"] = 20;
    const auto parsed = parse_ihpa(object);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().size(), 3U) << json(parsed.error()).dump(1);
}

TEST(ParseIhpa, MetricKeysAreLowercaseNames)
{
    EXPECT_EQ(metric_key("HTTP_Requests"), "http_requests");
    EXPECT_EQ(metric_key("cpu"), "cpu");
}

} // namespace
} // namespace ihpa::controller::test
