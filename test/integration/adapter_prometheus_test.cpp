// `ihpa serve` reading a real Prometheus: backfill of the whole window at start, a restart from
// the snapshot whose gap is backfilled (no point lost), an outage and the recovery.
#include "test/integration/serve_fixture.hpp"
#include "test/support/prometheus_fixture.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;

/// `requests_total{service="web"}` every minute over [from, to] (unix seconds), value = minute
/// index modulo 97, so every point is recognisable.
PrometheusSeries history(std::int64_t from, std::int64_t to)
{
    PrometheusSeries series{"requests_total", {{"service", "web"}}, {}};
    for (std::int64_t t = from; t <= to; t += 60) {
        series.points.emplace_back(t, static_cast<double>(t / 60 % 97));
    }
    return series;
}

std::string config(const std::string& url)
{
    return "sources:\n"
           "  - name: prom\n"
           "    interval: 1s\n"
           "    prometheus: {url: \"" + url + "\"}\n"
           "forecasts:\n"
           "  - name: web_requests_forecast\n"
           "    source: prom\n"
           "    query: sum(requests_total{service=\"web\"})\n"
           "    model: naive\n"
           "    history: 3h\n"
           "    maxStaleness: 2h\n"
           "    hardStaleness: 3h\n";
}

TEST(AdapterPrometheusTest, RestartFromTheSnapshotBackfillsTheGapAndLosesNoPoint)
{
    if (!PrometheusServer::available()) {
        GTEST_SKIP() << "prometheus/promtool are not installed (scripts/install-deps.sh --test)";
    }
    ASSERT_TRUE(Certificates::get().ok());
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count() / 60 * 60;
    // the first server knows the history up to 30 minutes ago, the second up to now
    PrometheusServer before({history(now - 4 * 3600, now - 1800)});
    ASSERT_TRUE(before.running()) << before.error();
    PrometheusServer after({history(now - 4 * 3600, now)});
    ASSERT_TRUE(after.running()) << after.error();

    TempDir dir;
    const std::string file = dir.path() + "/ihpa.yaml";
    const std::string state = dir.path() + "/state";
    std::filesystem::create_directories(state);
    auto args = anonymous_serve_flags();
    for (const std::string& flag : {std::string("--config"), file, std::string("--state-dir"), state}) {
        args.push_back(flag);
    }
    const std::string labels = "forecast=\"web_requests_forecast\"";

    std::ofstream(file) << config(before.url());
    {
        auto serve = start_serve(args);
        ASSERT_GT(serve.port, 0) << serve.process->output();
        // 3 h window at 1 min = 180 slots; the source knows the first 150 of them, plus the
        // 5 minutes Prometheus' lookback repeats the last sample into (one less when the minute
        // turned between the fixture and the server's start)
        ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_history_points", labels,
                               [](double v) { return v >= 154.0 && v <= 155.0; }))
            << serve.process->output() << metric_value(serve.port, "ihpa_forecast_history_points", labels).value_or(-1);
        EXPECT_EQ(metric_value(serve.port, "ihpa_forecast_latest_value", labels),
                  static_cast<double>((now - 1800) / 60 % 97));
        serve.process->send_signal(SIGTERM);
        ASSERT_TRUE(serve.process->wait_for_output("info snapshot: wrote ", 20s));
        ASSERT_EQ(serve.process->wait_exit(20s), 0);
    }
    std::ofstream(file, std::ios::trunc) << config(after.url());
    {
        auto serve = start_serve(args);
        ASSERT_GT(serve.port, 0) << serve.process->output();
        ASSERT_TRUE(serve.process->wait_for_output("history snapshot loaded: 1 series, 15", 5s))
            << serve.process->output();
        // the 30 minutes the first server did not know are backfilled: the window is full
        ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_history_points", labels,
                               [](double v) { return v == 180.0; }))
            << serve.process->output();
        EXPECT_EQ(metric_value(serve.port, "ihpa_forecast_latest_value", labels),
                  static_cast<double>(now / 60 % 97));
        ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_state",
                               labels + ",metric=\"web_requests_forecast\",state=\"forecast\"",
                               [](double v) { return v == 1.0; }));

        // outage: the source is reported down, the forecast keeps being served from the cache
        after.kill();
        ASSERT_TRUE(eventually(serve.port, "ihpa_source_up", "source=\"prom\"",
                               [](double v) { return v == 0.0; }));
        const auto answer = https_get(
            serve.port,
            "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/web_requests_forecast", {},
            Certificates::get().client());
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->status, 200) << answer->body;
        ASSERT_TRUE(after.restart()) << after.error();
        ASSERT_TRUE(eventually(serve.port, "ihpa_source_up", "source=\"prom\"",
                               [](double v) { return v == 1.0; }));
        EXPECT_EQ(metric_value(serve.port, "ihpa_forecast_history_points", labels), 180.0);
    }
}

} // namespace
} // namespace ihpa::test
