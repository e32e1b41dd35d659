// examples/redis-queue-workers end to end on the real control plane of
// test/support/control_plane.hpp: its workers.yaml applied as it is, `ihpa serve` running the
// controller on the example's config.yaml, the real HPA controller scaling the Deployment to
// ceil(queue depth / 10). Once with a real redis-server and the example's config (only the
// address replaced), once with a replay source playing a queue that fills at a known moment,
// where the HPA scales the workers before the queue has grown. Skipped with a message where the
// control plane or redis-server is missing.
#include "test/e2e/example_test.hpp"
#include "test/support/redis_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

/// The example's target: tasks per worker (AverageValue "10").
constexpr double kTasksPerWorker = 10;
/// The label selector of the forecast of tasks_queued of the IHPA `workers`, URL-encoded.
const std::string kForecastSelector = "ihpa.dev%2Fname%3Dworkers%2Cihpa.dev%2Fmetric%3Dtasks_queued";

/// Checks the HPA generated from the example's IHPA: its template (the Deployment, 1 to 20
/// replicas, tasks_queued at 10 per worker) and the injected forecast entry of tasks_queued.
void expect_generated_hpa(const json& hpa)
{
    ASSERT_TRUE(hpa.is_object());
    EXPECT_EQ(hpa["spec"]["scaleTargetRef"]["name"], "workers");
    EXPECT_EQ(hpa["spec"]["minReplicas"], 1);
    EXPECT_EQ(hpa["spec"]["maxReplicas"], 20);
    const json& metrics = hpa["spec"]["metrics"];
    ASSERT_EQ(metrics.size(), 2U) << hpa.dump(2);
    const int entry = forecast_entry(hpa, "tasks_queued");
    ASSERT_GE(entry, 0) << hpa.dump(2);
    const json& plain = metrics[1 - entry]["external"];
    EXPECT_EQ(plain["metric"]["name"], "tasks_queued");
    EXPECT_EQ(plain["target"], (json{{"type", "AverageValue"}, {"averageValue", "10"}}));
    EXPECT_EQ(metrics[entry]["external"]["metric"]["selector"]["matchLabels"],
              (json{{"ihpa.dev/name", "workers"}, {"ihpa.dev/metric", "tasks_queued"}}));
    EXPECT_EQ(metrics[entry]["external"]["target"], plain["target"]);
}

/// True when the HPA's status.currentMetrics lists the forecast entry beside tasks_queued.
bool reads_the_forecast(const json& hpa)
{
    const auto names = current_metric_names(hpa);
    return std::find(names.begin(), names.end(), "ihpa-forecast") != names.end() &&
           std::find(names.begin(), names.end(), "tasks_queued") != names.end();
}

class RedisQueueWorkersExample : public ExampleTest {
protected:
    RedisQueueWorkersExample() : ExampleTest("queue-workers-redis") {}
};

TEST_F(RedisQueueWorkersExample, ScalesTheWorkersToTheQueueDepthOverTasksPerWorker)
{
    if (!RedisServer::available()) {
        GTEST_SKIP() << "redis-server is not installed (the example reads a Redis list)";
    }
    // 45 tasks: ceil(45 / 10) = 5 workers. Redis keeps no history, so within the test the
    // forecast (minHistory 30 one-minute samples) serves the latest depth: the HPA's two entries
    // agree and the replica count is exact.
    constexpr int kDepth = 45;
    RedisServer redis;
    ASSERT_TRUE(redis.running()) << redis.error();
    std::vector<std::string> push{"RPUSH", "tasks"};
    push.resize(2 + kDepth, "task");
    ASSERT_TRUE(redis.command(push));
    start_ihpa_controller(
        replaced(example_text("redis-queue-workers/config.yaml"), "redis.jobs.svc:6379", redis.address()));
    if (HasFatalFailure()) {
        return;
    }
    const CommandResult applied = kubectl("apply -f " + example("redis-queue-workers/workers.yaml"));
    ASSERT_EQ(applied.status, 0) << applied.output;

    expect_generated_hpa(eventually("hpa ihpa-workers", [](const json& h) { return forecast_entry(h) >= 0; }));
    EXPECT_EQ(external_value("tasks_queued"), kDepth);
    const PollResult forecast = poll_until(
        [&] {
            const auto value = external_value("ihpa-forecast", kForecastSelector);
            return CommandResult{value ? 0 : 1, value ? std::to_string(*value) : "no value"};
        },
        [](const CommandResult& r) { return r.status == 0; }, 60s);
    ASSERT_TRUE(forecast.met) << forecast.last.output << serve_output();
    EXPECT_EQ(external_value("ihpa-forecast", kForecastSelector), kDepth);

    const int wanted = replicas_for(kDepth, kTasksPerWorker);
    const json hpa = eventually("hpa ihpa-workers", [&](const json& h) {
        return reads_the_forecast(h) && h["status"].value("desiredReplicas", 0) == wanted;
    });
    EXPECT_TRUE(reads_the_forecast(hpa)) << hpa.dump(2);
    const json workers = eventually("deployment workers", [&](const json& d) { return spec_replicas(d) == wanted; });
    EXPECT_EQ(spec_replicas(workers), 5);
}

/// A day of queue depth at one-minute steps: `kQuiet` tasks until `kFillsAt` seconds into the
/// day, `kBusy` from then on (a queue that fills when business starts).
constexpr int kQuiet = 15;
constexpr int kBusy = 75;
constexpr int kFillsAt = 12 * 3600;
constexpr int kDay = 24 * 3600;

std::string daily_queue_trace()
{
    std::ostringstream csv;
    csv << "timestamp,value\n";
    for (int t = 0; t < kDay; t += 60) {
        csv << t << "," << (t < kFillsAt ? kQuiet : kBusy) << "\n";
    }
    return csv.str();
}

class RedisQueueWorkersReplayExample : public ExampleTest {
protected:
    RedisQueueWorkersReplayExample() : ExampleTest("queue-workers-replay") {}
};

TEST_F(RedisQueueWorkersReplayExample, ScalesTheWorkersAheadOfTheQueuesGrowth)
{
    // The example's config with its Redis source swapped for a replay of the daily trace above
    // (at real speed, so the 14 days of history are backfilled at start and the daily cycle is
    // known to the model), played `offset` later so that now is 5.5 minutes before the queue
    // fills (the trace climbs during the minute before): 30 s later the lead time of 5 minutes
    // reaches the growth, which the plain metric shows only 4.5 minutes after that.
    const std::int64_t now = unix_now();
    constexpr int kAhead = 5 * 60 + 30;
    const std::int64_t offset = ((now - (kFillsAt - kAhead)) % kDay + kDay) % kDay;
    plane().file("queue-trace.csv", daily_queue_trace());
    const std::string config = replaced(
        replaced(example_text("redis-queue-workers/config.yaml"), "redis:\n      address: redis.jobs.svc:6379",
                 "replay: {file: queue-trace.csv}"),
        "query: LLEN tasks", "query: offset " + std::to_string(offset) + "s");
    start_ihpa_controller(config);
    if (HasFatalFailure()) {
        return;
    }
    const CommandResult applied = kubectl("apply -f " + example("redis-queue-workers/workers.yaml"));
    ASSERT_EQ(applied.status, 0) << applied.output;
    expect_generated_hpa(eventually("hpa ihpa-workers", [](const json& h) { return forecast_entry(h) >= 0; }));

    // The Deployment reaches the replicas of the forecast, more than the plain depth asks for.
    int replicas = 0;
    std::optional<double> forecast;
    std::optional<double> plain;
    const PollResult ahead = poll_until(
        [&] {
            replicas = spec_replicas(parsed(kubectl("get deployment workers -o json")));
            forecast = external_value("ihpa-forecast", kForecastSelector);
            plain = external_value("tasks_queued");
            std::ostringstream seen;
            seen << "replicas " << replicas << ", forecast " << (forecast ? std::to_string(*forecast) : "none")
                 << ", plain " << (plain ? std::to_string(*plain) : "none");
            return CommandResult{0, seen.str()};
        },
        [&](const CommandResult&) {
            return forecast && plain && replicas == replicas_for(*forecast, kTasksPerWorker) &&
                   replicas > replicas_for(*plain, kTasksPerWorker);
        },
        150s, 1000ms);
    ASSERT_TRUE(ahead.met) << ahead.last.output << serve_output();
    EXPECT_EQ(replicas, replicas_for(kBusy, kTasksPerWorker)) << ahead.last.output;
    // ... while the queue has not grown yet: the plain metric alone would keep 2 workers.
    EXPECT_EQ(plain, kQuiet) << ahead.last.output;
    EXPECT_EQ(replicas_for(*plain, kTasksPerWorker), 2);
    const json hpa = parsed(kubectl("get hpa ihpa-workers -o json"));
    EXPECT_TRUE(reads_the_forecast(hpa)) << hpa.dump(2);
}

} // namespace
} // namespace ihpa::test
