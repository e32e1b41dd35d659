// `ihpa serve` as the adapter: forecasts next to current values, history kept across restarts
// through snapshots, source outages, and configuration errors, over real TLS with real peers.
#include "test/integration/serve_fixture.hpp"
#include "test/support/redis_fixture.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kMetricsBase = "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/";

std::optional<nlohmann::json> get_metric(int port, const std::string& name, int* status = nullptr)
{
    const auto response =
        https_get(port, std::string(kMetricsBase) + name, {}, Certificates::get().client());
    if (!response) {
        return std::nullopt;
    }
    if (status != nullptr) {
        *status = response->status;
    }
    return nlohmann::json::parse(response->body, nullptr, false);
}

double quantity(const nlohmann::json& item)
{
    std::string text = item.at("value").get<std::string>();
    double scale = 1.0;
    if (!text.empty() && text.back() == 'm') {
        text.pop_back();
        scale = 1e-3;
    }
    return std::stod(text) * scale;
}

class AdapterServeTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(Certificates::get().ok()) << "certs/make-certs.sh failed"; }

    std::vector<std::string> flags(std::vector<std::string> extra) const
    {
        auto all = anonymous_serve_flags();
        all.insert(all.end(), extra.begin(), extra.end());
        return all;
    }
};

TEST_F(AdapterServeTest, DemoServesAForecastNextToTheCurrentValue)
{
    auto serve = start_serve(flags({}));
    ASSERT_GT(serve.port, 0) << serve.process->output();
    // the replay source backfills six hours at once, so the first fit follows within seconds
    ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_state",
                           "forecast=\"demo_requests_forecast\",metric=\"demo_requests_forecast\","
                           "state=\"forecast\"",
                           [](double v) { return v == 1.0; }))
        << serve.process->output();
    int status = 0;
    const auto forecast = get_metric(serve.port, "demo_requests_forecast", &status);
    ASSERT_TRUE(forecast && status == 200) << status;
    ASSERT_EQ(forecast->at("items").size(), 1U);
    const auto& item = forecast->at("items")[0];
    EXPECT_EQ(item.at("metricName"), "demo_requests_forecast");
    EXPECT_EQ(item.at("metricLabels").at("app"), "demo");
    EXPECT_GT(quantity(item), 0.0);
    EXPECT_EQ(metric_value(serve.port, "ihpa_forecast_history_points",
                           "forecast=\"demo_requests_forecast\""),
              2160.0); // 6 h at 10 s, all backfilled
    const auto current = get_metric(serve.port, "demo_requests", &status);
    ASSERT_TRUE(current && status == 200);
    EXPECT_GT(quantity(current->at("items")[0]), 0.0);
    const auto listing = https_get(serve.port, "/apis/external.metrics.k8s.io/v1beta1", {},
                                   Certificates::get().client());
    ASSERT_TRUE(listing);
    EXPECT_NE(listing->body.find("externalmetrics"), std::string::npos);
}

/// A Redis queue forecast with short staleness limits so an outage plays out in seconds.
std::string redis_config(const std::string& address)
{
    return "sources:\n"
           "  - name: queue\n"
           "    interval: 200ms\n"
           "    redis: {address: \"" + address + "\"}\n"
           "metrics:\n"
           "  - name: queue_depth\n"
           "    source: queue\n"
           "    query: LLEN jobs\n"
           "forecasts:\n"
           "  - name: queue_depth_forecast\n"
           "    source: queue\n"
           "    query: LLEN jobs\n"
           "    model: naive\n"
           "    step: 1s\n"
           "    history: 1h\n"
           "    minHistory: 5\n"
           "    refitInterval: 1s\n"
           "    maxStaleness: 2s\n"
           "    hardStaleness: 4s\n";
}

TEST_F(AdapterServeTest, RedisQueueDepthSurvivesRestartsOutagesAndCorruptSnapshots)
{
    if (!RedisServer::available()) {
        GTEST_SKIP() << "redis-server is not installed (scripts/install-deps.sh --test installs it)";
    }
    RedisServer redis;
    ASSERT_TRUE(redis.running()) << redis.error();
    ASSERT_TRUE(redis.command({"RPUSH", "jobs", "a", "b", "c"}));
    TempDir dir;
    const std::string config = dir.path() + "/ihpa.yaml";
    std::ofstream(config) << redis_config(redis.address());
    const std::string state = dir.path() + "/state";
    std::filesystem::create_directories(state);
    const auto args = flags({"--config", config, "--state-dir", state, "--fit-workers", "1"});
    const std::string labels = "forecast=\"queue_depth_forecast\"";

    double points_before = 0;
    {
        auto serve = start_serve(args);
        ASSERT_GT(serve.port, 0) << serve.process->output();
        ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_state", labels + ",metric=\"queue_depth_forecast\",state=\"forecast\"",
                               [](double v) { return v == 1.0; }))
            << serve.process->output();
        int status = 0;
        auto depth = get_metric(serve.port, "queue_depth", &status);
        ASSERT_EQ(status, 200);
        EXPECT_EQ(quantity(depth->at("items")[0]), 3.0);
        auto forecast = get_metric(serve.port, "queue_depth_forecast", &status);
        ASSERT_EQ(status, 200);
        EXPECT_EQ(quantity(forecast->at("items")[0]), 3.0); // naive: the last value

        // outage: the cached model, then the latest value, then 503; recovery after restart
        redis.kill();
        ASSERT_TRUE(eventually(serve.port, "ihpa_source_up", "source=\"queue\"",
                               [](double v) { return v == 0.0; }));
        // Staleness holds to the millisecond (docs/adapter.md): an age above 2 s is past
        // maxStaleness 2s, an age above 4 s past hardStaleness 4s.
        ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_data_age_seconds", labels,
                               [](double v) { return v > 2.0; }));
        forecast = get_metric(serve.port, "queue_depth_forecast", &status);
        EXPECT_EQ(status, 200);
        EXPECT_EQ(metric_value(serve.port, "ihpa_forecast_state", labels + ",metric=\"queue_depth_forecast\",state=\"stale\""), 1.0);
        ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_data_age_seconds", labels,
                               [](double v) { return v > 4.0; }));
        forecast = get_metric(serve.port, "queue_depth_forecast", &status);
        EXPECT_EQ(status, 503);
        EXPECT_EQ(forecast->at("reason"), "ServiceUnavailable");
        EXPECT_NE(forecast->at("message").get<std::string>().find("hardStaleness"), std::string::npos);
        ASSERT_TRUE(redis.restart()) << redis.error();
        ASSERT_TRUE(redis.command({"RPUSH", "jobs", "a", "b", "c", "d"}));
        ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_latest_value", labels,
                               [](double v) { return v == 4.0; }));
        forecast = get_metric(serve.port, "queue_depth_forecast", &status);
        EXPECT_EQ(status, 200);

        points_before = *metric_value(serve.port, "ihpa_forecast_history_points", labels);
        serve.process->send_signal(SIGTERM);
        EXPECT_TRUE(serve.process->wait_for_output("info snapshot: wrote ", 20s))
            << serve.process->output();
        EXPECT_EQ(serve.process->wait_exit(20s), 0) << serve.process->output();
    }
    ASSERT_TRUE(std::filesystem::exists(state + "/history.snapshot"));
    {
        redis.kill(); // nothing new can arrive: what is served after the restart is the snapshot
        auto serve = start_serve(args);
        ASSERT_GT(serve.port, 0) << serve.process->output();
        EXPECT_TRUE(serve.process->wait_for_output("history snapshot loaded: ", 5s))
            << serve.process->output();
        EXPECT_GE(*metric_value(serve.port, "ihpa_forecast_history_points", labels), points_before);
        EXPECT_EQ(*metric_value(serve.port, "ihpa_forecast_latest_value", labels), 4.0);
        serve.process->send_signal(SIGTERM);
        EXPECT_EQ(serve.process->wait_exit(20s), 0);
    }
    {
        std::ofstream(state + "/history.snapshot", std::ios::trunc) << "garbage, not a snapshot";
        auto serve = start_serve(args);
        ASSERT_GT(serve.port, 0) << serve.process->output();
        EXPECT_TRUE(serve.process->wait_for_output(
            "not an ihpa history snapshot; starting with an empty history", 5s))
            << serve.process->output();
    }
}

/// Writes a day of one-minute points of `value(i)` (minute i) as a replay trace.
template <class Value>
void write_trace(const std::string& path, Value value)
{
    std::ofstream out(path);
    out << "timestamp,value\n";
    for (int i = 0; i < 1440; ++i) {
        out << i * 60 << ',' << value(i) << '\n';
    }
}

TEST_F(AdapterServeTest, ATrafficForecastIsFittedOnItsDriversAndReplicaCount)
{
    TempDir dir;
    const auto requests = [](int i) {
        return 2000.0 + 1500.0 * std::sin(2.0 * 3.141592653589793 * i / 1440.0) + 100.0 * std::sin(i * 0.37);
    };
    const auto pods = [&](int i) { return std::ceil(requests(i) / 400.0); };
    write_trace(dir.path() + "/requests.csv", requests);
    write_trace(dir.path() + "/pods.csv", pods);
    write_trace(dir.path() + "/cpu.csv", [&](int i) { return 0.1 * pods(i) + 0.002 * requests(i); });
    const std::string config = dir.path() + "/ihpa.yaml";
    std::ofstream(config) << R"(sources:
  - {name: requests, interval: 5s, replay: {file: requests.csv}}
  - {name: pods, interval: 5s, replay: {file: pods.csv}}
  - {name: cpu, interval: 5s, replay: {file: cpu.csv}}
forecasts:
  - name: web_cpu_forecast
    source: cpu
    model: naive
    history: 6h
    traffic:
      drivers: [{source: requests}]
      replicas: {source: pods}
)";
    auto serve = start_serve(flags({"--config", config}));
    ASSERT_GT(serve.port, 0) << serve.process->output();
    // Replay sources backfill their six hours at once: the first fit follows within seconds.
    ASSERT_TRUE(eventually(serve.port, "ihpa_forecast_state",
                           "forecast=\"web_cpu_forecast\",metric=\"web_cpu_forecast\",state=\"forecast\"",
                           [](double v) { return v == 1.0; }))
        << serve.process->output();
    const auto view = https_get(serve.port, std::string(kMetricsBase) + "web_cpu_forecast/debug?history=10m", {},
                                Certificates::get().client());
    ASSERT_TRUE(view);
    ASSERT_EQ(view->status, 200) << view->body;
    const auto item = nlohmann::json::parse(view->body)["items"][0];
    const std::string model = item["fit"]["description"];
    EXPECT_TRUE(model.starts_with("traffic(b0=")) << model;
    EXPECT_NE(model.find("drivers: naive"), std::string::npos) << model;
    EXPECT_EQ(item["settings"]["traffic"]["replicas"]["source"], "pods");
    EXPECT_GT(metric_value(serve.port, "ihpa_forecast_traffic_r2", "forecast=\"web_cpu_forecast\""), 0.9);
    int status = 0;
    const auto served = get_metric(serve.port, "web_cpu_forecast", &status);
    ASSERT_TRUE(served && status == 200) << status;
    EXPECT_GT(quantity(served->at("items")[0]), 0.0);
}

TEST_F(AdapterServeTest, ForecastConfigurationErrorsNameFileAndLine)
{
    TempDir dir;
    const std::string config = dir.path() + "/bad.yaml";
    std::ofstream(config) << "sources:\n"
                             "  - name: q\n"
                             "    redis: {address: \"127.0.0.1:1\"}\n"
                             "forecasts:\n"
                             "  - name: f\n"
                             "    source: q\n"
                             "    query: LLEN\n"
                             "    leadTime: 5 min\n";
    ChildProcess serve({ihpa_binary(), "serve", "--secure-port", "0", "--config", config});
    // read the messages before the exit status: the output is captured by another thread
    EXPECT_TRUE(serve.wait_for_output(config + ":7: forecast f: invalid redis query", 20s))
        << serve.output();
    EXPECT_TRUE(
        serve.wait_for_output(config + ":8: forecast f.leadTime: invalid duration \"5 min\"", 20s))
        << serve.output();
    EXPECT_EQ(serve.wait_exit(20s), 1);
}

} // namespace
} // namespace ihpa::test
