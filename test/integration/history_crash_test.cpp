// `ihpa serve --state-dir` killed with SIGKILL while it polls a source without history of its
// own (a Redis queue, which cannot be backfilled): every point acknowledged before the kill is
// served after the restart, and none twice. Snapshots are written every second, so kills land
// before, during and after snapshot writes as well as around log appends.
#include "test/integration/serve_fixture.hpp"
#include "test/support/redis_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;

/// One forecast of a Redis list's length, one point per 1 s slot: the poll interval (±10 %
/// jitter) is above the step, so no two polls share a slot and the history's point count is
/// the number of rounds stored.
std::string queue_config(const std::string& address, const std::string& interval)
{
    return "sources:\n"
           "  - name: queue\n"
           "    interval: " + interval + "\n"
           "    redis: {address: \"" + address + "\"}\n"
           "forecasts:\n"
           "  - {name: queue_depth_forecast, source: queue, query: LLEN jobs, model: naive,\n"
           "     step: 1s, history: 1h, minHistory: 5}\n";
}

/// The value of the unlabelled family `name` on /metrics.
std::optional<double> unlabelled(int port, const std::string& name)
{
    const auto response = https_get(port, "/metrics", {}, Certificates::get().client());
    if (!response || response->status != 200) {
        return std::nullopt;
    }
    const std::regex line("(^|\n)" + name + " ([-0-9.e+]+)");
    std::smatch match;
    if (!std::regex_search(response->body, match, line)) {
        return std::nullopt;
    }
    return std::stod(match[2]);
}

/// The number in `output` after the last `prefix`, or 0 when there is none.
double number_after(const std::string& output, const std::string& prefix)
{
    const auto at = output.rfind(prefix);
    return at == std::string::npos ? 0.0 : std::stod(output.substr(at + prefix.size()));
}

const std::string kLabels = "forecast=\"queue_depth_forecast\"";

TEST(HistoryCrashTest, KilledDuringPollsAndSnapshotsLosesNoAcknowledgedPointAndDuplicatesNone)
{
    ASSERT_TRUE(Certificates::get().ok()) << "certs/make-certs.sh failed";
    if (!RedisServer::available()) {
        GTEST_SKIP() << "redis-server is not installed "
                        "(scripts/install-deps.sh --test installs it)";
    }
    RedisServer redis;
    ASSERT_TRUE(redis.running()) << redis.error();
    TempDir dir;
    const std::string polling = dir.path() + "/polling.yaml";
    const std::string still = dir.path() + "/still.yaml";
    std::ofstream(polling) << queue_config(redis.address(), "1200ms");
    // the same series, polled once at start only, while Redis is down: what it serves after a
    // restart is exactly what the snapshot and the log gave back
    std::ofstream(still) << queue_config(redis.address(), "1h");
    const std::string state = dir.path() + "/state";
    std::filesystem::create_directories(state);
    const auto args = [&](const std::string& config) {
        auto all = anonymous_serve_flags();
        for (const std::string& flag : {std::string("--config"), config, std::string("--state-dir"),
                                        state, std::string("--snapshot-interval"), std::string("1"),
                                        std::string("--fit-workers"), std::string("1")}) {
            all.push_back(flag);
        }
        return all;
    };

    std::mt19937 random(15); // kill moments: a few rounds after start, reproducibly varied
    std::uniform_int_distribution<int> rounds(1, 6);
    double served = 0;
    auto killed = std::chrono::system_clock::now();
    for (int cycle = 0; cycle < 3; ++cycle) {
        SCOPED_TRACE("cycle " + std::to_string(cycle));
        double acknowledged = 0;
        if (cycle > 0) {
            ASSERT_TRUE(redis.restart()) << redis.error();
        }
        ASSERT_TRUE(redis.command({"RPUSH", "jobs", "a", "b"}));
        // Two polls in one slot are one point; the previous instance's last poll and this one's
        // first must be a slot apart for the count to tell a duplicate from a replaced slot.
        std::this_thread::sleep_until(killed + 1100ms);
        {
            auto serve = start_serve(args(polling));
            ASSERT_GT(serve.port, 0) << serve.process->output();
            const auto appends = unlabelled(serve.port, "ihpa_wal_appends_total");
            ASSERT_TRUE(appends) << "no ihpa_wal_appends_total on /metrics";
            const int more = rounds(random);
            const auto deadline = std::chrono::steady_clock::now() + 60s;
            while (unlabelled(serve.port, "ihpa_wal_appends_total").value_or(0) < *appends + more) {
                ASSERT_LT(std::chrono::steady_clock::now(), deadline) << serve.process->output();
                std::this_thread::sleep_for(50ms); // how often the state is observed, not a sync
            }
            acknowledged =
                metric_value(serve.port, "ihpa_forecast_history_points", kLabels).value_or(-1);
            EXPECT_GE(acknowledged, served); // nothing from the cycle before went missing
            serve.process->send_signal(SIGKILL);
            ASSERT_EQ(serve.process->wait_exit(20s), 128 + SIGKILL);
            killed = std::chrono::system_clock::now();
        }
        redis.kill();
        {
            auto serve = start_serve(args(still));
            ASSERT_GT(serve.port, 0) << serve.process->output();
            const std::string log = serve.process->output();
            ASSERT_NE(log.find("info history: log replayed: "), std::string::npos) << log;
            // kill -9 can tear the tail of the segment appended to, never corrupt one
            EXPECT_EQ(log.find(" error history: "), std::string::npos) << log;
            const double snapshot = number_after(log, "history snapshot loaded: 1 series, ");
            const double replayed = number_after(log, "log replayed: ");
            EXPECT_EQ(unlabelled(serve.port, "ihpa_wal_replayed_points"), replayed);
            served = metric_value(serve.port, "ihpa_forecast_history_points", kLabels).value_or(-1);
            EXPECT_GE(served, acknowledged) << log;
            // Each replayed point lands in a slot of its own, after the snapshot's: a point
            // replayed twice, or one the snapshot held, would count here without a slot.
            EXPECT_EQ(snapshot + replayed, served) << log;
            serve.process->send_signal(SIGKILL);
            ASSERT_EQ(serve.process->wait_exit(20s), 128 + SIGKILL);
        }
    }
    EXPECT_GT(served, 5.0);
}

} // namespace
} // namespace ihpa::test
