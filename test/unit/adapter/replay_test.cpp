#include "adapter/source/replay/replay.hpp"

#include "test/fakes/source_kind_harness.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

using std::chrono::system_clock;

system_clock::time_point at(double seconds)
{
    return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
        std::chrono::duration<double>(seconds)));
}

model::Series trace()
{
    model::Series s;
    s.start = 1'000'000;
    s.step_seconds = 300;
    s.values = Eigen::VectorXd::LinSpaced(4, 10.0, 40.0); // 10 20 30 40, loops after 1200 s
    return s;
}

TEST(ReplayTest, PlaysTheTraceFasterThanRealTimeAndLoops)
{
    ReplaySource replay(trace(), 60.0); // 5 trace minutes per wall-clock 5 seconds
    EXPECT_DOUBLE_EQ(replay.value_at(at(0)), 10.0);
    EXPECT_DOUBLE_EQ(replay.value_at(at(5)), 20.0);
    EXPECT_DOUBLE_EQ(replay.value_at(at(7.5)), 25.0);
    EXPECT_DOUBLE_EQ(replay.value_at(at(15)), 40.0);
    EXPECT_DOUBLE_EQ(replay.value_at(at(17.5)), 25.0); // between the last and the first point
    EXPECT_DOUBLE_EQ(replay.value_at(at(20)), 10.0);   // looped
    const auto now = replay.query("", at(5));
    ASSERT_TRUE(now);
    ASSERT_EQ(now->size(), 1U);
    EXPECT_EQ(now->front().sample.time, at(5));
    EXPECT_DOUBLE_EQ(now->front().sample.value, 20.0);
}

TEST(ReplayTest, KnowsItsPastForBackfill)
{
    ReplaySource replay(trace(), 60.0);
    EXPECT_TRUE(replay.keeps_history());
    const auto range = replay.query_range("", at(0), at(20), std::chrono::seconds(5));
    ASSERT_TRUE(range);
    ASSERT_EQ(range->size(), 1U);
    const auto& samples = range->front().samples;
    ASSERT_EQ(samples.size(), 5U);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        EXPECT_EQ(samples[i].time, at(5.0 * static_cast<double>(i)));
        EXPECT_DOUBLE_EQ(samples[i].value, replay.value_at(samples[i].time));
    }
}

TEST(ReplayTest, AnOffsetQueryPlaysTheTraceLater)
{
    const SourceKind kind = replay_source_kind();
    EXPECT_TRUE(kind.check_query(""));
    EXPECT_TRUE(kind.check_query("offset 90s"));
    EXPECT_NE(kind.check_query("up").error().find("empty or \"offset <duration>\""),
              std::string::npos);
    EXPECT_NE(kind.check_query("offset soon").error().find("invalid offset"), std::string::npos);
    ReplaySource replay(trace(), 60.0);
    EXPECT_DOUBLE_EQ(replay.query("offset 5s", at(10))->front().sample.value, replay.value_at(at(5)));
    const auto range = replay.query_range("offset 5s", at(10), at(20), std::chrono::seconds(5));
    EXPECT_DOUBLE_EQ(range->front().samples[0].value, replay.value_at(at(5)));
    EXPECT_EQ(range->front().samples[0].time, at(10));
    EXPECT_FALSE(replay.query("bogus", at(0)));
}

TEST(ReplayTest, SameWallTimeSameValue)
{
    const ReplaySource a(trace(), 3.0);
    const ReplaySource b(trace(), 3.0);
    EXPECT_EQ(a.value_at(at(1'700'000'123.25)), b.value_at(at(1'700'000'123.25)));
}

TEST(ReplayTest, TheKindReadsAnyTimestampValueFileOfTwoPointsOrMore)
{
    const auto parsed = test::parse_kind(replay_source_kind(), "replay: {file: t.csv, speedup: 2}\n",
                                         "replay", "source a");
    ASSERT_TRUE(parsed.factory) << testing::PrintToString(parsed.problems);
    const auto built = [&](const std::string& csv) {
        return test::build_source(*parsed.factory, {{"t.csv", csv}});
    };
    // Two points are enough: replay has no forecasting origins to leave room for.
    const auto two = built("timestamp,value\n0,10\n300,30\n");
    ASSERT_TRUE(two) << two.error();
    EXPECT_DOUBLE_EQ(dynamic_cast<ReplaySource&>(**two).value_at(at(75)), 20.0);
    EXPECT_EQ(built("timestamp,value\n0,10\n").error(),
              "t.csv: a replayed trace needs at least two points");
    EXPECT_EQ(built("timestamp,value\n0,10\n300,x\n").error(), "t.csv:3: value \"x\" is not a number");
    EXPECT_EQ(built("time,value\n").error(),
              "t.csv:1: header must be timestamp,value (got \"time,value\")");
}

} // namespace
} // namespace ihpa::adapter
