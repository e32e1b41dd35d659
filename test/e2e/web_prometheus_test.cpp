// examples/web-prometheus end to end on the real control plane of
// test/support/control_plane.hpp and a real Prometheus: the example's web.yaml passes a
// server-side dry run and is applied as it is, `ihpa serve --config` runs the example's
// config.yaml (only the Prometheus URL replaced) with `--resource-metrics-source prom`, the
// generated HPA has the template's two metrics and one forecast entry for each, the forecasts are
// served through the aggregator, and the real HPA controller scales the Deployment on the
// request rate (the control plane has no resource metrics API, so the template's own CPU entry
// cannot be read here). Skipped with a
// message where the control plane or Prometheus is missing.
#include "test/e2e/example_test.hpp"
#include "test/support/prometheus_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

/// The load in Prometheus, constant over the 3 hours of history: CPU cores used by the web pods
/// and requests per second.
constexpr double kCores = 0.45;
constexpr double kRequestsPerSecond = 120;
/// The example's targets: requests per second per pod, and 60 % of the 500m request.
constexpr double kRequestsPerPod = 50;

/// 3 hours of a counter growing by `rate` per second, sampled every minute up to `now`.
PrometheusSeries counter(const std::string& metric, std::map<std::string, std::string> labels, double rate,
                         std::int64_t now)
{
    PrometheusSeries series{metric, std::move(labels), {}};
    for (std::int64_t t = now - 3 * 3600; t <= now; t += 60) {
        series.points.emplace_back(t, rate * static_cast<double>(t - (now - 3 * 3600)));
    }
    return series;
}

class WebPrometheusExample : public ExampleTest {
protected:
    WebPrometheusExample() : ExampleTest("shop") {}
};

TEST_F(WebPrometheusExample, ForecastsCpuAndRequestRateAndTheHpaScalesOnThem)
{
    if (!PrometheusServer::available()) {
        GTEST_SKIP() << "prometheus/promtool are not installed (the example reads Prometheus)";
    }
    const std::int64_t now = unix_now(true);
    // cAdvisor's series of one web pod (its pause container "POD" is not counted) and the
    // request counter of the web Service.
    const std::string pod = "web-6d5f7c8b9d-x2x4q";
    PrometheusServer prometheus(
        {counter("container_cpu_usage_seconds_total", {{"namespace", "shop"}, {"pod", pod}, {"container", "web"}},
                 kCores, now),
         counter("container_cpu_usage_seconds_total", {{"namespace", "shop"}, {"pod", pod}, {"container", "POD"}},
                 1.0, now),
         counter("http_requests_total", {{"namespace", "shop"}, {"service", "web"}}, kRequestsPerSecond, now)});
    ASSERT_TRUE(prometheus.running()) << prometheus.error();
    start_ihpa_controller(replaced(example_text("web-prometheus/config.yaml"), "http://prometheus.monitoring.svc:9090",
                                   prometheus.url()),
                          {"--resource-metrics-source", "prom"});
    if (HasFatalFailure()) {
        return;
    }
    const std::string web = example("web-prometheus/web.yaml");
    const CommandResult dry = plane().kubectl("apply --dry-run=server -f " + web);
    ASSERT_EQ(dry.status, 0) << dry.output;
    const CommandResult applied = plane().kubectl("apply -f " + web);
    ASSERT_EQ(applied.status, 0) << applied.output;

    // The template's metrics verbatim, and a forecast entry for each: CPU as the cores of the
    // Deployment at 60 % of the mean request per pod (300m), requests at 50 per pod.
    const json hpa = eventually("hpa ihpa-web", [](const json& h) {
        return forecast_entry(h, "cpu") >= 0 && forecast_entry(h, "web_http_requests_per_second") >= 0;
    });
    ASSERT_TRUE(hpa.is_object());
    EXPECT_EQ(hpa["spec"]["minReplicas"], 2);
    EXPECT_EQ(hpa["spec"]["maxReplicas"], 30);
    const json& metrics = hpa["spec"]["metrics"];
    ASSERT_EQ(metrics.size(), 4U) << hpa.dump(2);
    const json cpu_template = {{"type", "Resource"},
                               {"resource",
                                {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 60}}}}}};
    const json requests_template = {
        {"type", "External"},
        {"external",
         {{"metric", {{"name", "web_http_requests_per_second"}}},
          {"target", {{"type", "AverageValue"}, {"averageValue", "50"}}}}}};
    EXPECT_NE(std::find(metrics.begin(), metrics.end(), cpu_template), metrics.end()) << hpa.dump(2);
    EXPECT_NE(std::find(metrics.begin(), metrics.end(), requests_template), metrics.end()) << hpa.dump(2);
    EXPECT_EQ(metrics[forecast_entry(hpa, "cpu")]["external"]["target"],
              (json{{"type", "AverageValue"}, {"averageValue", "300m"}}));
    EXPECT_EQ(metrics[forecast_entry(hpa, "web_http_requests_per_second")]["external"]["target"],
              requests_template["external"]["target"]);

    // Through the aggregator: the request rate and both forecasts of a steady load.
    EXPECT_EQ(external_value("web_http_requests_per_second"), kRequestsPerSecond);
    const auto forecast = [&](const std::string& key) {
        return external_value("ihpa-forecast", "ihpa.dev%2Fname%3Dweb%2Cihpa.dev%2Fmetric%3D" + key);
    };
    const PollResult forecasts = poll_until(
        [&] {
            const auto cpu = forecast("cpu");
            const auto requests = forecast("web_http_requests_per_second");
            return CommandResult{cpu && requests ? 0 : 1,
                                 "cpu " + (cpu ? std::to_string(*cpu) : "none") + ", requests " +
                                     (requests ? std::to_string(*requests) : "none")};
        },
        [](const CommandResult& r) { return r.status == 0; }, 60s, 1000ms);
    ASSERT_TRUE(forecasts.met) << forecasts.last.output << serve_output();
    EXPECT_NEAR(forecast("cpu").value_or(0), kCores, 0.01) << forecasts.last.output;
    EXPECT_NEAR(forecast("web_http_requests_per_second").value_or(0), kRequestsPerSecond, 1)
        << forecasts.last.output;

    // The HPA controller scales on the request rate: ceil(120 / 50) = 3 pods (its forecast asks
    // the same). Its status lists the metric it read first; after the CPU entry, which it cannot
    // read here, kube-controller-manager 1.26 leaves the remaining entries of
    // status.currentMetrics empty, so they are not checked.
    const int wanted = replicas_for(kRequestsPerSecond, kRequestsPerPod);
    const json deployment = eventually("deployment web", [&](const json& d) { return spec_replicas(d) == wanted; });
    EXPECT_EQ(spec_replicas(deployment), 3);
    const json hpa_status = parsed(kubectl("get hpa ihpa-web -o json"));
    const auto names = current_metric_names(hpa_status);
    EXPECT_NE(std::find(names.begin(), names.end(), "web_http_requests_per_second"), names.end())
        << hpa_status.dump(2);
}

} // namespace
} // namespace ihpa::test
