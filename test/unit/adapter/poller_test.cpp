#include "adapter/history/live_score.hpp"
#include "adapter/history/poller.hpp"
#include "adapter/serving/forecast_registry.hpp"
#include "test/fakes/fake_source.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ihpa::adapter {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

const system_clock::time_point kStart = from_unix_seconds(1'800'000'000);

double ramp(system_clock::time_point t)
{
    // whole numbers below 2^24 survive the store's float32 exactly
    return static_cast<double>(unix_seconds(t) / 60 % 100'000);
}

struct PollerFixture : ::testing::Test {
    std::shared_ptr<test::FakeSource> source = std::make_shared<test::FakeSource>();
    std::shared_ptr<StoredSeries> series = std::make_shared<StoredSeries>(60, 60);
    Poller poller{"fake", source, 30s, 7};
};

TEST_F(PollerFixture, BackfillsANewTargetThenPollsAtTheJitteredInterval)
{
    source->set("q", ramp);
    poller.set_target("k", "q", series);
    const auto next = poller.run_once(kStart);
    EXPECT_GE(next, kStart + 27s);
    EXPECT_LE(next, kStart + 33s);
    EXPECT_EQ(source->range_calls, 1);
    EXPECT_EQ(source->instant_calls, 1);
    EXPECT_EQ(series->finite_count(), 60); // the whole window at once
    const model::Series s = series->series();
    EXPECT_DOUBLE_EQ(s.values[s.size() - 1], ramp(kStart));
    EXPECT_DOUBLE_EQ(s.values[0], ramp(kStart - 59min));
    EXPECT_EQ(poller.status().backfilled_points, 60);
    poller.run_once(kStart + 30s); // fresh data: no second backfill
    EXPECT_EQ(source->range_calls, 1);
    EXPECT_EQ(series->latest()->time, kStart + 30s);
}

TEST_F(PollerFixture, SumsSeveralSeriesAndRecordsNothingForAnEmptyAnswer)
{
    source->set_keeps_history(false);
    source->set("three", [](auto) { return 2.5; }, 3);
    poller.set_target("k", "three", series);
    poller.run_once(kStart);
    EXPECT_DOUBLE_EQ(series->latest()->value, 7.5);
    EXPECT_EQ(source->range_calls, 0); // a source without history is never asked for a range
    auto empty = std::make_shared<StoredSeries>(60, 10);
    poller.set_target("e", "unknown", empty);
    poller.run_once(kStart + 30s);
    EXPECT_FALSE(empty->latest());
    EXPECT_EQ(poller.status().consecutive_failures, 0);
}

TEST_F(PollerFixture, BacksOffExponentiallyWhileDownAndBackfillsTheGapAfterRecovery)
{
    source->set("q", ramp);
    poller.set_target("k", "q", series);
    poller.run_once(kStart);
    source->set_down(true);
    auto now = kStart + 30s;
    std::vector<std::chrono::milliseconds> waits;
    for (int i = 0; i < 6; ++i) {
        const auto next = poller.run_once(now);
        waits.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(next - now));
        now = next;
    }
    // 30 s × 2^(failures-1), ±10 %, capped at 1 minute: a source that is back is seen soon
    const double expected[] = {30, 60, 60, 60, 60, 60};
    for (std::size_t i = 0; i < waits.size(); ++i) {
        EXPECT_NEAR(static_cast<double>(waits[i].count()) / 1000.0, expected[i],
                    expected[i] * 0.1 + 1e-9)
            << i;
    }
    const PollerStatus down = poller.status();
    EXPECT_EQ(down.consecutive_failures, 6);
    EXPECT_EQ(down.last_error, "fake source down");
    EXPECT_EQ(down.errors, 6);
    source->set_down(false);
    poller.run_once(now);
    EXPECT_EQ(poller.status().consecutive_failures, 0);
    EXPECT_TRUE(poller.status().last_error.empty());
    // every minute of the outage was filled from the range query
    const model::Series s = series->series(unix_seconds(kStart));
    for (Eigen::Index i = 0; i < s.size(); ++i) {
        EXPECT_DOUBLE_EQ(s.values[i], ramp(from_unix_seconds(s.time_at(i)))) << i;
    }
}

TEST_F(PollerFixture, ASourcePolledLessOftenThanTheBackoffCapIsRetriedAtItsInterval)
{
    Poller slow{"fake", source, 5min, 7};
    source->set("q", ramp);
    slow.set_target("k", "q", series);
    source->set_down(true);
    auto now = kStart;
    for (int i = 0; i < 4; ++i) {
        const auto next = slow.run_once(now);
        EXPECT_NEAR(std::chrono::duration<double>(next - now).count(), 300.0, 30.0) << i;
        now = next;
    }
}

TEST_F(PollerFixture, RemovedTargetsAreNoLongerPolled)
{
    source->set("q", ramp);
    poller.set_target("k", "q", series);
    poller.remove_target("k");
    poller.run_once(kStart);
    EXPECT_EQ(source->instant_calls, 0);
    EXPECT_TRUE(series->series().size() == 0);
}

TEST_F(PollerFixture, LabelledTargetsKeepTheWholeAnswerAndShareTheSourcesStatus)
{
    source->set("q", ramp);
    source->set("labelled", [](auto) { return 4.0; }, 3);
    source->set("odd", [](auto) { return std::nan(""); }, 2);
    poller.set_target("k", "q", series);
    const auto answer = std::make_shared<LabelledQuery>(kStart);
    const auto odd = std::make_shared<LabelledQuery>(kStart);
    poller.set_labelled_target("l", "labelled", answer);
    poller.set_labelled_target("o", "odd", odd);
    EXPECT_EQ(answer->latest(), nullptr); // nothing before the first poll

    poller.run_once(kStart);
    ASSERT_NE(answer->latest(), nullptr);
    ASSERT_EQ(answer->latest()->items.size(), 3U); // every series, not their sum
    EXPECT_EQ(answer->latest()->items[2].labels, (Labels{{"i", "2"}}));
    EXPECT_EQ(answer->latest()->items[2].sample.value, 4.0);
    EXPECT_EQ(answer->latest()->polled, kStart);
    EXPECT_TRUE(odd->latest()->items.empty()); // NaN has no Quantity form
    EXPECT_EQ(series->latest()->value, ramp(kStart)); // the series is still summed and stored

    source->set_down(true);
    poller.run_once(kStart + 30s);
    EXPECT_EQ(poller.status().consecutive_failures, 1); // one status for the whole source
    EXPECT_EQ(poller.status().last_error, "fake source down");
    EXPECT_EQ(answer->latest()->polled, kStart); // a failed poll keeps the last answer

    poller.remove_labelled_target("l");
    source->set_down(false);
    const int before = source->instant_calls;
    poller.run_once(kStart + 2min);
    EXPECT_EQ(source->instant_calls, before + 2); // "q" and "odd"
}

TEST(ForecastRegistrySubscriptions, AreSharedPolledByTheSourcesPollerAndExpireAfterTheTtl)
{
    HistoryStore store;
    ForecastRegistry registry(store);
    const auto source = std::make_shared<test::FakeSource>();
    source->set("q", [](auto) { return 2.0; });
    auto poller = std::make_shared<Poller>("fake", source, 30s, 1);
    registry.add_poller(poller);

    EXPECT_FALSE(registry.subscribe("elsewhere", "q", kStart)); // no such source
    const auto first = registry.subscribe("fake", "q", kStart);
    ASSERT_TRUE(first);
    const auto again = registry.subscribe("fake", "q", kStart + 10min);
    ASSERT_TRUE(again);
    EXPECT_EQ(*first, *again); // one subscription per (source, query)
    poller->run_once(kStart + 10min);
    EXPECT_EQ(source->instant_calls, 1);
    EXPECT_EQ((*first)->latest()->items.size(), 1U);

    // A configuration reload hands the subscription to the source's new poller.
    auto reloaded = std::make_shared<Poller>("fake", source, 30s, 2);
    registry.set_pollers({reloaded});
    reloaded->run_once(kStart + 11min);
    EXPECT_EQ(source->instant_calls, 2);

    EXPECT_EQ(registry.expire_subscriptions(kStart + 70min, 1h), 0U); // exactly the TTL: kept
    EXPECT_EQ(registry.expire_subscriptions(kStart + 70min + 1ms, 1h), 1U);
    reloaded->run_once(kStart + 71min);
    EXPECT_EQ(source->instant_calls, 2); // no longer polled

    registry.set_pollers({}); // a source that is gone drops its subscriptions
    EXPECT_FALSE(registry.subscribe("fake", "q", kStart + 72min));
}

TEST_F(PollerFixture, SameSeedSameSchedule)
{
    Poller other{"fake", source, 30s, 7};
    source->set("q", ramp);
    poller.set_target("k", "q", series);
    other.set_target("k", "q", std::make_shared<StoredSeries>(60, 60));
    EXPECT_EQ(poller.run_once(kStart), other.run_once(kStart));
}

TEST(LiveScoreTest, SettlesPredictionsWhenTheirActualArrivesAndScoresAgainstNaive)
{
    LiveScore score(3);
    // forecast for t=600: 10 (band 8..12), naive 5
    score.predicted(600, 10.0, 8.0, 12.0, 5.0);
    score.predicted(600, 99.0, 0.0, 0.0, 0.0); // same target again: ignored
    score.predicted(660, 20.0, 18.0, 19.0, 10.0);
    model::Series s;
    s.start = 540;
    s.step_seconds = 60;
    s.values = Eigen::VectorXd::Constant(2, NAN);
    s.values << 1.0, 11.0; // actual at 600 = 11; 660 not there yet
    score.settle(s);
    EXPECT_EQ(score.settled(), 1U);
    EXPECT_EQ(score.pending(), 1U);
    EXPECT_DOUBLE_EQ(*score.rel_mae(), 1.0 / 6.0);
    EXPECT_DOUBLE_EQ(*score.coverage(), 1.0);
    s.values.resize(3);
    s.values << 1.0, 11.0, 20.0; // actual at 660 = 20: exact but outside its (odd) band
    score.settle(s);
    EXPECT_EQ(score.settled(), 2U);
    EXPECT_DOUBLE_EQ(*score.rel_mae(), 1.0 / 16.0);
    EXPECT_DOUBLE_EQ(*score.coverage(), 0.5);
}

TEST(LiveScoreTest, KeepsOnlyTheWindowAndDropsUnsettleablePredictions)
{
    LiveScore score(2);
    model::Series s;
    s.start = 0;
    s.step_seconds = 60;
    s.values = Eigen::VectorXd::LinSpaced(10, 0.0, 9.0);
    s.values[4] = NAN;
    score.predicted(60, 0.0, 0.0, 2.0, 0.0);   // error 1, naive 1
    score.predicted(240, 0.0, 0.0, 0.0, 0.0);  // its actual is a past gap: dropped
    score.predicted(300, 5.0, 4.0, 6.0, 0.0);  // error 0, naive 5
    score.predicted(330, 5.0, 4.0, 6.0, 0.0);  // off the grid: dropped
    score.predicted(360, 6.0, 5.0, 7.0, 0.0);  // error 0, naive 6
    score.settle(s);
    EXPECT_EQ(score.pending(), 0U);
    EXPECT_EQ(score.settled(), 2U); // the first one left the window
    EXPECT_DOUBLE_EQ(*score.rel_mae(), 0.0);
    EXPECT_DOUBLE_EQ(*score.coverage(), 1.0);
    LiveScore empty(5);
    EXPECT_FALSE(empty.rel_mae());
    EXPECT_FALSE(empty.coverage());
}

} // namespace
} // namespace ihpa::adapter
