#include "adapter/config/config.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

TEST(ConfigTest, ParsesSourcesMetricsAndForecastsWithDefaults)
{
    const auto config = parse_config(R"(
sources:
  - name: trace
    interval: 15s
    replay: {file: t.csv, speedup: 60}
metrics:
  - name: demo_requests
    source: trace
    labels: {app: demo}
forecasts:
  - name: demo_forecast
    source: trace
    leadTime: 3m
    rule: point
    band: upper
    floor: 2
    model: holtWinters
    step: 30s
    history: 2d
    minHistory: 60
    maxStaleness: 5m
    hardStaleness: 30m
    refitInterval: 2m
    seasonality: [12h, 1d]
  - ihpa: {namespace: shop, name: web, metric: cpu}
    source: trace
)",
                                     "c.yaml");
    ASSERT_TRUE(config) << config.error().front();
    ASSERT_EQ(config->sources.size(), 1U);
    EXPECT_EQ(config->sources[0].kind, "replay");
    EXPECT_EQ(config->sources[0].interval, std::chrono::seconds(15));
    EXPECT_EQ(config->sources[0].line, 3);
    ASSERT_EQ(config->metrics.size(), 1U);
    EXPECT_EQ(config->metrics[0].labels.at("app"), "demo");
    EXPECT_EQ(config->metrics[0].series.source, "trace");
    ASSERT_EQ(config->forecasts.size(), 2U);
    const ForecastSettings& s = config->forecasts[0].settings;
    EXPECT_EQ(s.shift.lead_seconds, 180);
    EXPECT_EQ(s.shift.rule, model::ShiftRule::Point);
    EXPECT_EQ(s.shift.band, model::ShiftBand::Upper);
    EXPECT_EQ(s.shift.floor, 2.0);
    EXPECT_EQ(s.model, "holtWinters");
    EXPECT_EQ(s.step, std::chrono::seconds(30));
    EXPECT_EQ(s.history, std::chrono::seconds(2 * 86400));
    EXPECT_EQ(s.min_history, 60);
    EXPECT_EQ(s.max_staleness, std::chrono::seconds(300));
    EXPECT_EQ(s.hard_staleness, std::chrono::seconds(1800));
    EXPECT_EQ(s.refit_interval, std::chrono::seconds(120));
    EXPECT_EQ(s.seasonality, common::SeasonalPeriods{(std::vector<std::int64_t>{43200, 86400})});
    // design.md's defaults
    const ForecastConfig& ihpa = config->forecasts[1];
    EXPECT_EQ(ihpa.name, "ihpa-forecast");
    ASSERT_TRUE(ihpa.ihpa);
    EXPECT_EQ(ihpa.ihpa->namespace_, "shop");
    EXPECT_EQ(ihpa.settings.shift.lead_seconds, 300);
    EXPECT_EQ(ihpa.settings.shift.rule, model::ShiftRule::WindowMax);
    EXPECT_EQ(ihpa.settings.shift.band, model::ShiftBand::Upper);
    EXPECT_EQ(ihpa.settings.model, "auto");
    EXPECT_EQ(ihpa.settings.step, std::chrono::seconds(60));
    EXPECT_EQ(ihpa.settings.history, std::chrono::seconds(14 * 86400));
    EXPECT_EQ(ihpa.settings.min_history, 30);
    EXPECT_EQ(ihpa.settings.max_staleness, std::chrono::seconds(600));
    EXPECT_EQ(ihpa.settings.hard_staleness, std::chrono::seconds(3600));
    EXPECT_EQ(ihpa.settings.refit_interval, std::chrono::seconds(300));
    EXPECT_FALSE(ihpa.settings.seasonality); // auto: detected
}

TEST(ConfigTest, SeasonalityKeywordsListsAndTheirProblems)
{
    const auto config = parse_config(R"(sources:
  - name: trace
    replay: {file: t.csv}
forecasts:
  - {name: a, source: trace, seasonality: none}
  - {name: b, source: trace, seasonality: weekly}
  - {name: c, source: trace, seasonality: "1d,7d"}
  - {name: d, source: trace, seasonality: auto}
)",
                                     "s.yaml");
    ASSERT_TRUE(config) << config.error().front();
    using Periods = std::vector<std::int64_t>;
    EXPECT_EQ(config->forecasts[0].settings.seasonality, common::SeasonalPeriods{Periods{}});
    EXPECT_EQ(config->forecasts[1].settings.seasonality, common::SeasonalPeriods{Periods{604800}});
    EXPECT_EQ(config->forecasts[2].settings.seasonality,
              common::SeasonalPeriods{(Periods{86400, 604800})});
    EXPECT_FALSE(config->forecasts[3].settings.seasonality);

    const auto bad = parse_config(R"(sources:
  - name: trace
    replay: {file: t.csv}
forecasts:
  - {name: a, source: trace, seasonality: hourly}
  - {name: b, source: trace, seasonality: [1d, "7d,1d"]}
  - {name: c, source: trace, seasonality: {day: 1d}}
  - {name: d, source: trace, seasonality: none, model: fourier}
  - {name: e, source: trace, seasonality: [1m, 10d], history: 14d}
  - {name: f, source: trace, seasonality: []}
)",
                                  "s.yaml");
    ASSERT_FALSE(bad);
    const std::vector<std::string> expected = {
        "s.yaml:5: forecast a.seasonality: expected auto, none, daily, weekly or a "
        "comma-separated list of durations such as 1d,7d; \"hourly\": expected a number at "
        "position 1",
        "s.yaml:6: forecast b.seasonality: a list item must be one duration",
        "s.yaml:7: forecast c.seasonality must be auto, none, daily, weekly or a list of durations",
        "s.yaml:8: forecast d: model fourier needs a seasonal period; seasonality is none",
        "s.yaml:9: forecast e.seasonality: period 1m is shorter than two steps",
        "s.yaml:9: forecast e.seasonality: period 240h needs two cycles of history, more than "
        "history (336h)",
        "s.yaml:10: forecast f.seasonality must be auto, none, daily, weekly or a list of "
        "durations",
    };
    const auto& got = bad.error();
    for (std::size_t i = 0; i < std::max(got.size(), expected.size()); ++i) {
        EXPECT_EQ(i < got.size() ? got[i] : "", i < expected.size() ? expected[i] : "") << i;
    }
}

TEST(ConfigTest, ATrafficForecastNamesItsDriversAndReplicaCountAndTheirProblems)
{
    const auto config = parse_config(R"yaml(sources:
  - name: prom
    prometheus: {url: "http://prometheus:9090"}
forecasts:
  - name: cpu_forecast
    source: prom
    query: sum(rate(container_cpu_usage_seconds_total{pod=~"web-.*"}[2m]))
    traffic:
      drivers:
        - {source: prom, query: "sum(rate(http_requests_total{app=\"web\"}[2m]))"}
        - {source: prom, query: 'sum(rate(grpc_requests_total[2m]))'}
      replicas: {source: prom, query: 'kube_deployment_status_replicas{deployment="web"}'}
      minR2: 0.7
  - {name: plain, source: prom, query: up}
)yaml",
                                     "t.yaml");
    ASSERT_TRUE(config) << config.error().front();
    const auto& traffic = config->forecasts[0].traffic;
    ASSERT_TRUE(traffic);
    ASSERT_EQ(traffic->drivers.size(), 2U);
    EXPECT_EQ(traffic->drivers[0], (SeriesRef{"prom", "sum(rate(http_requests_total{app=\"web\"}[2m]))"}));
    EXPECT_EQ(traffic->replicas.query, "kube_deployment_status_replicas{deployment=\"web\"}");
    EXPECT_EQ(traffic->min_r2, 0.7);
    EXPECT_FALSE(config->forecasts[1].traffic);

    const auto bad = parse_config(R"yaml(sources:
  - name: prom
    prometheus: {url: "http://prometheus:9090"}
forecasts:
  - {name: a, source: prom, query: up, traffic: {drivers: [], replicas: {source: prom, query: up}}}
  - {name: b, source: prom, query: up, traffic: {drivers: [{source: nope, query: up}]}}
  - {name: c, source: prom, query: up, traffic: {drivers: [{source: prom, query: "sum("}], replicas: {source: prom, query: up}, minR2: 2}}
  - {name: d, source: prom, query: up, traffic: {drivers: [{source: prom, query: up, step: 1m}], replicas: {source: prom, query: up}, lag: 1}}
)yaml",
                                  "t.yaml");
    ASSERT_FALSE(bad);
    const std::vector<std::string> expected = {
        "t.yaml:5: forecast a.traffic.drivers must be a list of at least one series",
        "t.yaml:6: forecast b.traffic.drivers[0] refers to unknown source \"nope\"",
        "t.yaml:6: forecast b.traffic.replicas is required: the series of the workload's replica count",
        "t.yaml:7: forecast c.traffic.drivers[0]: invalid prometheus query: unclosed '(' at offset 3",
        "t.yaml:7: forecast c.traffic.minR2 must be a number in [-1, 1], got \"2\"",
        "t.yaml:8: unknown key \"lag\" in forecast d.traffic (known: drivers, replicas, minR2)",
        "t.yaml:8: unknown key \"step\" in forecast d.traffic.drivers[0] (known: source, query)",
    };
    const auto& got = bad.error();
    for (std::size_t i = 0; i < std::max(got.size(), expected.size()); ++i) {
        EXPECT_EQ(i < got.size() ? got[i] : "", i < expected.size() ? expected[i] : "") << i;
    }
}

TEST(ConfigTest, ReportsEveryProblemWithFileAndLine)
{
    const auto config = parse_config(R"(sources:
  - name: trace
    replay: {file: t.csv, spedup: 60}
  - name: trace
    replay: {speedup: -1}
  - name: nothing
  - name: twice
    interval: 5 minutes
    replay: {file: a.csv}
    redis: {address: "127.0.0.1:6379"}
metrics:
  - name: Demo
    source: missing
  - source: trace
    colour: blue
  - name: queued
    source: trace
    query: "LLEN jobs"
forecasts:
  - name: demo_requests_forecast
    source: trace
    leadTime: soon
    rule: max
    model: prophet
    step: 1m
    history: 10m
  - name: ihpa-forecast
    source: trace
    maxStaleness: 2h
  - ihpa: {namespace: a, name: b}
    name: x
    source: trace
)",
                                     "bad.yaml");
    ASSERT_FALSE(config);
    const std::vector<std::string> expected = {
        "bad.yaml:3: unknown key \"spedup\" in source trace.replay (known: file, speedup)",
        "bad.yaml:4: duplicate source name \"trace\"",
        "bad.yaml:5: source trace.replay needs \"file\"",
        "bad.yaml:5: source trace.replay.speedup must be a number in [1e-06, 1e+09], got \"-1\"",
        "bad.yaml:6: source nothing needs a kind (one of: prometheus, redis, datadog, replay)",
        "bad.yaml:8: source twice.interval: invalid duration \"5 minutes\": unknown unit ' ' (use "
        "ms, s, m, h or d)",
        "bad.yaml:10: source twice has two kinds (replay and redis); give each its own source",
        "bad.yaml:12: metric name \"Demo\" must be lowercase letters, digits, '_', '-', '.' or ':' "
        "(clients lowercase names on the wire)",
        "bad.yaml:13: metric Demo refers to unknown source \"missing\"",
        "bad.yaml:15: unknown key \"colour\" in metric (known: name, source, query, labels)",
        "bad.yaml:14: metric needs \"name\"",
        "bad.yaml:18: metric queued: invalid replay query: a replay query is empty or \"offset "
        "<duration>\" (the trace played that much later), got \"LLEN jobs\"",
        "bad.yaml:22: forecast demo_requests_forecast.leadTime: invalid duration \"soon\": "
        "expected a number at position 1",
        "bad.yaml:23: forecast demo_requests_forecast.rule: unknown rule \"max\" (known: point, "
        "windowMax)",
        "bad.yaml:24: forecast demo_requests_forecast.model: unknown model \"prophet\" (known: "
        "auto, holtWinters, holt, fourier, stl, directRegression, seasonalNaive, localLevel, naive)",
        "bad.yaml:20: forecast demo_requests_forecast: history holds 10 steps, fewer than "
        "minHistory (30)",
        "bad.yaml:27: the name ihpa-forecast is reserved for IHPA forecasts (use the ihpa key)",
        "bad.yaml:27: forecast ihpa-forecast: hardStaleness must not be shorter than maxStaleness",
        "bad.yaml:30: an ihpa forecast is served as ihpa-forecast with the IHPA's selector: drop "
        "name and labels",
        "bad.yaml:30: forecast.ihpa needs \"metric\"",
    };
    const auto& got = config.error();
    for (std::size_t i = 0; i < std::max(got.size(), expected.size()); ++i) {
        EXPECT_EQ(i < got.size() ? got[i] : "", i < expected.size() ? expected[i] : "") << i;
    }
}

TEST(ConfigTest, ExternalRulesNeedAPrometheusSource)
{
    const auto config = parse_config(R"(sources:
  - name: prom
    prometheus: {url: "http://127.0.0.1:9090"}
  - name: trace
    replay: {file: t.csv}
externalRules:
  - source: prom
    seriesQuery: '{__name__="queue_depth"}'
    resources: {namespaced: false}
    metricsQuery: <<.Series>>{<<.LabelMatchers>>}
externalRulesOptions: {discoveryInterval: 1m, subscriptionTTL: 2h}
)",
                                     "rules.yaml");
    ASSERT_TRUE(config) << config.error().front();
    ASSERT_EQ(config->external_rules.size(), 1U);
    EXPECT_EQ(config->external_rules[0].source, "prom");
    EXPECT_EQ(config->external_rules_options.discovery_interval, std::chrono::minutes(1));
    EXPECT_EQ(config->external_rules_options.subscription_ttl, std::chrono::hours(2));
    EXPECT_EQ(config->external_rules_options.max_staleness, std::chrono::minutes(10));

    const auto wrong = parse_config(R"(sources:
  - name: trace
    replay: {file: t.csv}
externalRules:
  - source: trace
    seriesQuery: '{__name__="queue_depth"}'
    resources: {namespaced: false}
    metricsQuery: <<.Series>>
externalRulesOptions: {every: 1m}
)",
                                    "rules.yaml");
    ASSERT_FALSE(wrong);
    const std::vector<std::string> expected = {
        "rules.yaml:5: externalRules[0].source \"trace\" must name a prometheus source",
        "rules.yaml:9: unknown key \"every\" in externalRulesOptions (known: discoveryInterval, "
        "maxStaleness, subscriptionTTL)",
    };
    EXPECT_EQ(wrong.error(), expected);
}

TEST(ConfigTest, SyntaxErrorsAndEmptyDocuments)
{
    const auto broken = parse_config("sources: [\n", "x.yaml");
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().front().rfind("x.yaml:", 0), 0U);
    EXPECT_NE(broken.error().front().find("invalid YAML"), std::string::npos);
    const auto empty = parse_config("", "e.yaml");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().front(), "e.yaml:1: the configuration is empty");
    const auto scalar = parse_config("42", "s.yaml");
    ASSERT_FALSE(scalar);
    EXPECT_EQ(scalar.error().front(), "s.yaml:1: the configuration must be a mapping");
}

} // namespace
} // namespace ihpa::adapter
