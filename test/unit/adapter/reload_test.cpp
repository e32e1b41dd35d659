#include "adapter/config/config_watcher.hpp"
#include "test/fakes/fake_clock.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

using namespace std::chrono_literals;

/// A 2-day trace at 5-minute steps, served from memory.
std::expected<std::string, std::string> resolve(const std::string& name)
{
    if (name != "trace.csv") {
        return std::unexpected("no file " + name);
    }
    std::string csv = "timestamp,value\n";
    for (int i = 0; i < 576; ++i) {
        csv += std::to_string(1'600'000'000 + 300 * i) + "," + std::to_string(100 + i % 288) + "\n";
    }
    return csv;
}

const std::string kSource = R"(sources:
  - name: trace
    interval: 10s
    replay: {file: trace.csv, speedup: 1}
)";

const std::string kFirst = kSource + R"(metrics:
  - name: current
    source: trace
forecasts:
  - name: kept
    source: trace
    model: naive
    history: 1h
)";

const std::string kSecond = kSource + R"(forecasts:
  # a comment moves the entry without changing it
  - name: kept
    source: trace
    model: naive
    history: 1h
  - name: added
    source: trace
    model: naive
    history: 1h
)";

struct ReloadFixture : ::testing::Test {
    test::FakeClock clock{std::chrono::system_clock::time_point(1'800'000'000s)};
    Adapter adapter{clock, AdapterOptions{}};
    std::string text = kFirst;

    std::shared_ptr<ForecastState> find(const std::string& id)
    {
        for (const auto& f : adapter.registry().forecasts()) {
            if (forecast_id(f->config()) == id) {
                return f;
            }
        }
        return nullptr;
    }
    int status_of(const std::string& metric)
    {
        const auto answer = adapter.provider().get_external_metric(
            "default", apiserver::LabelSelector{}, {metric});
        return answer ? 200 : answer.error().code;
    }
};

TEST_F(ReloadFixture, ChangedConfigurationIsAppliedKeepingUnchangedForecastsFitted)
{
    auto config = parse_config(text, "ihpa.yaml");
    ASSERT_TRUE(config);
    ASSERT_TRUE(adapter.apply(*config, "ihpa.yaml", resolve));
    adapter.run_once(clock.now());
    const auto kept = find("kept");
    ASSERT_TRUE(kept);
    ASSERT_FALSE(kept->status().model.empty()); // backfilled and fitted
    EXPECT_EQ(status_of("current"), 200);

    ConfigWatcher watcher(adapter, "ihpa.yaml", [this] { return text; }, resolve, text);
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Unchanged);
    text = kSecond;
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Applied);
    EXPECT_EQ(find("kept"), kept); // same state: its model and score survive
    EXPECT_FALSE(find("kept")->status().model.empty());
    ASSERT_TRUE(find("added"));
    EXPECT_EQ(status_of("current"), 404); // removed from the configuration
    EXPECT_EQ(status_of("kept"), 200);
    adapter.run_once(clock.now());
    EXPECT_EQ(status_of("added"), 200);
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Unchanged);
}

TEST_F(ReloadFixture, InvalidOrUnbuildableConfigurationKeepsTheRunningOne)
{
    auto config = parse_config(text, "ihpa.yaml");
    ASSERT_TRUE(adapter.apply(*config, "ihpa.yaml", resolve));
    adapter.run_once(clock.now());
    bool readable = true;
    ConfigWatcher watcher(
        adapter, "ihpa.yaml",
        [&]() -> std::expected<std::string, std::string> {
            if (!readable) {
                return std::unexpected("cannot read ihpa.yaml");
            }
            return text;
        },
        resolve, text);
    text = "sources: [\n";
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Rejected);
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Rejected); // reported once, still out
    text = kFirst + "  - name: broken\n    source: nowhere\n";
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Rejected);
    text = R"(sources:
  - name: trace
    replay: {file: missing.csv}
)";
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Rejected); // valid, but cannot be built
    readable = false;
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Rejected);
    EXPECT_EQ(status_of("current"), 200);
    EXPECT_EQ(status_of("kept"), 200);
    readable = true;
    text = kFirst;
    EXPECT_EQ(watcher.run_once(), ConfigWatcher::Outcome::Unchanged);
}

TEST_F(ReloadFixture, NotReadyBeforeTheFirstPollReadyAtOnceWithoutSources)
{
    auto config = parse_config(text, "ihpa.yaml");
    ASSERT_TRUE(config);
    ASSERT_TRUE(adapter.apply(*config, "ihpa.yaml", resolve));
    EXPECT_NE(adapter.readiness().find("waiting for the first poll"), std::string::npos);

    Adapter empty{clock, AdapterOptions{}};
    auto nothing = parse_config("sources: []\n", "empty.yaml");
    ASSERT_TRUE(nothing) << nothing.error().front();
    ASSERT_TRUE(empty.apply(*nothing, "empty.yaml", resolve));
    EXPECT_FALSE(empty.readiness().empty());
    empty.start(); // nothing to poll: ready at once
    EXPECT_EQ(empty.readiness(), "");
    empty.stop();
}

} // namespace
} // namespace ihpa::adapter
