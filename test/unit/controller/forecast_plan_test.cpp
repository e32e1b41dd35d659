// plan_forecasts and diff_forecasts: which series an IHPA asks the adapter for.
#include "controller/forecast_plan.hpp"
#include "test/unit/controller/ihpa_fixture.hpp"

#include <gtest/gtest.h>

namespace ihpa::controller::test {
namespace {

using nlohmann::json;

struct PlanCase {
    const char* name;
    json metric;
    json overrides;                 ///< spec.metrics, or null
    std::vector<AdapterSource> sources;
    std::string resource_source;    ///< SourceCatalog::resource_metrics_source
    std::string target_kind = "Deployment";
    std::optional<SeriesSource> series; ///< nullopt: `problem`
    std::string problem;
    std::optional<std::string> selector = "app=web"; ///< the scale target's; nullopt: not found
};

json resource_metric(const std::string& type, const std::string& name, const std::string& container)
{
    json source = {{"name", name}, {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}};
    if (!container.empty()) {
        source["container"] = container;
    }
    return {{"type", type}, {type == "Resource" ? "resource" : "containerResource", source}};
}

json explicit_source(const json& source)
{
    return json::array({{{"key", "http_requests"}, {"source", source}}});
}

TEST(PlanForecasts, TakesTheExplicitSourceOrDerivesOne)
{
    const std::vector<AdapterSource> prom = {{"prom", "prometheus"}};
    const std::vector<AdapterSource> two = {{"prom-a", "prometheus"}, {"prom-b", "prometheus"},
                                            {"queues", "redis"}};
    const std::vector<AdapterSource> with_api = {{"prom", "prometheus"},
                                                 {"kubernetes-metrics", "kubernetesMetrics"}};
    const json http = external_metric("http_requests", "AverageValue", "1");
    const PlanCase cases[] = {
        {"explicit, the only source of its kind",
         http, explicit_source({{"prometheus", {{"query", "sum(x{namespace=\"<<.Namespace>>\"})"}}}}),
         prom, "", "Deployment", SeriesSource{"prom", "sum(x{namespace=\"default\"})"}, ""},
        {"explicit, named", http, explicit_source({{"prometheus", {{"name", "prom-b"}, {"query", "q"}}}}),
         two, "", "Deployment", SeriesSource{"prom-b", "q"}, ""},
        {"explicit, several of the kind and none named", http,
         explicit_source({{"prometheus", {{"query", "q"}}}}), two, "", "Deployment", std::nullopt,
         "the adapter has several prometheus sources (prom-a, prom-b); name one in "
         "source.prometheus.name"},
        {"explicit, the named one is missing", http,
         explicit_source({{"redis", {{"name", "jobs"}, {"query", "LLEN q"}}}}), two, "",
         "Deployment", std::nullopt, "the adapter has no redis source named \"jobs\""},
        {"explicit, no source of the kind", http, explicit_source({{"datadog", {{"query", "q"}}}}),
         prom, "", "Deployment", std::nullopt, "the adapter has no datadog source"},
        {"cpu of a Deployment", resource_metric("Resource", "cpu", ""), nullptr, prom, "",
         "Deployment",
         SeriesSource{"prom", "sum(rate(container_cpu_usage_seconds_total{namespace=\"default\","
                              "pod=~\"web-[a-z0-9]+-[a-z0-9]+\",container!=\"\",container!=\"POD\"}[2m]))"},
         ""},
        {"memory of one container of a StatefulSet", resource_metric("ContainerResource", "memory", "app"),
         nullptr, prom, "", "StatefulSet",
         SeriesSource{"prom", "sum(container_memory_working_set_bytes{namespace=\"default\","
                              "pod=~\"web-[0-9]+\",container=\"app\"})"},
         ""},
        {"resource source chosen among several", resource_metric("Resource", "cpu", ""), nullptr,
         two, "prom-a", "ReplicaSet",
         SeriesSource{"prom-a", "sum(rate(container_cpu_usage_seconds_total{namespace=\"default\","
                                "pod=~\"web-[a-z0-9]+\",container!=\"\",container!=\"POD\"}[2m]))"},
         ""},
        {"no Prometheus for resources", resource_metric("Resource", "cpu", ""), nullptr,
         {{"queues", "redis"}}, "", "Deployment", std::nullopt,
         "resource metrics are read from prometheus, but the adapter has no prometheus source"},
        {"cpu from the resource metrics API when the adapter reads it", resource_metric("Resource", "cpu", ""),
         nullptr, with_api, "", "Deployment", SeriesSource{"kubernetes-metrics", "cpu in default where app=web"},
         ""},
        {"memory of one container from the resource metrics API",
         resource_metric("ContainerResource", "memory", "app"), nullptr, with_api, "", "StatefulSet",
         SeriesSource{"kubernetes-metrics", "memory in default where app=web container app"}, ""},
        {"Prometheus named although the resource metrics API is there", resource_metric("Resource", "cpu", ""),
         nullptr, with_api, "prom", "ReplicaSet",
         SeriesSource{"prom", "sum(rate(container_cpu_usage_seconds_total{namespace=\"default\","
                              "pod=~\"web-[a-z0-9]+\",container!=\"\",container!=\"POD\"}[2m]))"},
         ""},
        {"resource metrics API, the scale target not found", resource_metric("Resource", "cpu", ""), nullptr,
         with_api, "", "Deployment", std::nullopt,
         "resource metrics are read from the resource metrics API by the scale target's pod selector, "
         "which is not known (the target was not found)",
         std::nullopt},
        {"a resource other than cpu and memory", resource_metric("Resource", "ephemeral-storage", ""),
         nullptr, prom, "", "Deployment", std::nullopt,
         "no source is derived for resource ephemeral-storage (only cpu and memory); give "
         "spec.metrics[].source"},
        {"external, from the pass-through rule", http, nullptr, prom, "", "Deployment",
         SeriesSource{"prom", "http_requests{\"matchLabels\":{\"app\":\"web\"}}"}, ""},
        {"pods metric without a source",
         {{"type", "Pods"},
          {"pods", {{"metric", {{"name", "jobs"}}},
                    {"target", {{"type", "AverageValue"}, {"averageValue", "1"}}}}}},
         nullptr, prom, "", "Deployment", std::nullopt,
         "Pods and Object metrics need an explicit source (spec.metrics[].source)"},
    };
    for (const PlanCase& c : cases) {
        SCOPED_TRACE(c.name);
        json object = ihpa_object(json::array({c.metric}),
                                  c.overrides.is_null() ? json::object()
                                                        : json{{"metrics", c.overrides}});
        object["spec"]["template"]["spec"]["scaleTargetRef"]["kind"] = c.target_kind;
        const auto ihpa = parse_ihpa(object);
        ASSERT_TRUE(ihpa) << ihpa.error()[0];
        SourceCatalog catalog = prometheus_catalog();
        catalog.sources = c.sources;
        catalog.resource_metrics_source = c.resource_source;
        const auto plan = plan_forecasts(*ihpa, catalog, c.selector);
        ASSERT_EQ(plan.size(), 1U);
        if (c.series) {
            ASSERT_TRUE(plan[0].forecast) << plan[0].problem;
            EXPECT_EQ(plan[0].forecast->series, *c.series) << plan[0].forecast->series.query;
            EXPECT_EQ(plan[0].forecast->name, "ihpa-forecast");
            EXPECT_EQ(plan[0].forecast->namespace_, "default");
            EXPECT_EQ(plan[0].forecast->ihpa, "web");
        } else {
            EXPECT_FALSE(plan[0].forecast);
            EXPECT_EQ(plan[0].problem, c.problem);
        }
    }
}

TEST(PlanForecasts, ResolvesTheTrafficOfAMetricLikeItsSource)
{
    const json traffic = {{"drivers", {{{"prometheus", {{"query", "sum(rate(http_requests_total{namespace=\"<<.Namespace>>\"}[2m]))"}}}},
                                       {{"redis", {{"query", "LLEN inflow"}}}}}},
                          {"replicas", {{"prometheus", {{"query", "kube_deployment_status_replicas{deployment=\"web\"}"}}}}},
                          {"minR2", 0.6}};
    json object = ihpa_object(json::array({cpu_utilization(60)}),
                              {{"metrics", {{{"key", "cpu"}, {"traffic", traffic}}}}});
    const auto ihpa = parse_ihpa(object);
    ASSERT_TRUE(ihpa) << ihpa.error()[0];
    SourceCatalog catalog = prometheus_catalog();
    catalog.sources = {{"prom", "prometheus"}, {"queues", "redis"}};
    const auto plan = plan_forecasts(*ihpa, catalog, "app=web");
    ASSERT_TRUE(plan[0].forecast) << plan[0].problem;
    const auto& planned = plan[0].forecast->traffic;
    ASSERT_TRUE(planned);
    ASSERT_EQ(planned->drivers.size(), 2U);
    EXPECT_EQ(planned->drivers[0], (SeriesSource{"prom", "sum(rate(http_requests_total{namespace=\"default\"}[2m]))"}));
    EXPECT_EQ(planned->drivers[1], (SeriesSource{"queues", "LLEN inflow"}));
    EXPECT_EQ(planned->replicas, (SeriesSource{"prom", "kube_deployment_status_replicas{deployment=\"web\"}"}));
    EXPECT_EQ(planned->min_r2, 0.6);
    // The metric's own series is derived as without traffic: the workload's total cpu.
    EXPECT_EQ(plan[0].forecast->series.source, "prom");

    // A driver of a kind the adapter lacks is the metric's problem, named by its place.
    catalog.sources = {{"prom", "prometheus"}};
    const auto missing = plan_forecasts(*ihpa, catalog, "app=web");
    EXPECT_FALSE(missing[0].forecast);
    EXPECT_EQ(missing[0].problem, "traffic.drivers[1]: the adapter has no redis source");
}

TEST(PlanForecasts, PodNamePatternsEscapeTheWorkloadName)
{
    EXPECT_EQ(resource_query("cpu", "ns", "Deployment", "api.v2", ""),
              "sum(rate(container_cpu_usage_seconds_total{namespace=\"ns\",pod=~\"api\\\\.v2-[a-z0-9]+-"
              "[a-z0-9]+\",container!=\"\",container!=\"POD\"}[2m]))");
    EXPECT_EQ(resource_query("gpu", "ns", "Deployment", "api", ""), std::nullopt);
}

DesiredForecast forecast(const std::string& metric, const std::string& query)
{
    return {"ihpa-forecast", "default", "web", metric, {"prom", query}, {}, std::nullopt};
}

TEST(DiffForecasts, RegistersNewAndChangedAndRemovesGoneOnes)
{
    struct Case {
        const char* name;
        std::vector<DesiredForecast> registered;
        std::vector<DesiredForecast> desired;
        std::vector<std::string> registers; ///< metric keys
        std::vector<std::string> removes;   ///< ids
    };
    DesiredForecast longer = forecast("cpu", "a");
    longer.settings.shift.lead_seconds = 600;
    const Case cases[] = {
        {"nothing yet", {}, {forecast("cpu", "a"), forecast("memory", "b")}, {"cpu", "memory"}, {}},
        {"unchanged", {forecast("cpu", "a")}, {forecast("cpu", "a")}, {}, {}},
        {"query changed", {forecast("cpu", "a")}, {forecast("cpu", "b")}, {"cpu"}, {}},
        {"settings changed", {forecast("cpu", "a")}, {longer}, {"cpu"}, {}},
        {"metric gone", {forecast("cpu", "a"), forecast("memory", "b")}, {forecast("cpu", "a")}, {},
         {"ihpa/default/web/memory"}},
        {"IHPA gone", {forecast("cpu", "a")}, {}, {}, {"ihpa/default/web/cpu"}},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const ForecastDiff diff = diff_forecasts(c.registered, c.desired);
        std::vector<std::string> registers;
        for (const DesiredForecast& each : diff.to_register) {
            registers.push_back(each.metric);
        }
        EXPECT_EQ(registers, c.registers);
        EXPECT_EQ(diff.to_remove, c.removes);
    }
}

TEST(ForecastPlan, WireNamesFollowDesign)
{
    EXPECT_EQ(forecast_id(forecast("cpu", "a")), "ihpa/default/web/cpu");
    EXPECT_EQ(forecast_labels("web", "cpu"),
              (std::map<std::string, std::string>{{"ihpa.dev/metric", "cpu"}, {"ihpa.dev/name", "web"}}));
}

} // namespace
} // namespace ihpa::controller::test
