#include "adapter/source/replay.hpp"

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
    const ReplaySource replay(trace(), 60.0); // 5 trace minutes per wall-clock 5 seconds
    EXPECT_DOUBLE_EQ(replay.latest(at(0))->value, 10.0);
    EXPECT_DOUBLE_EQ(replay.latest(at(5))->value, 20.0);
    EXPECT_DOUBLE_EQ(replay.latest(at(7.5))->value, 25.0);
    EXPECT_DOUBLE_EQ(replay.latest(at(15))->value, 40.0);
    EXPECT_DOUBLE_EQ(replay.latest(at(17.5))->value, 25.0); // between the last and the first point
    EXPECT_DOUBLE_EQ(replay.latest(at(20))->value, 10.0);   // looped
    EXPECT_EQ(replay.latest(at(5))->time, at(5));
}

TEST(ReplayTest, SameWallTimeSameValue)
{
    const ReplaySource a(trace(), 3.0);
    const ReplaySource b(trace(), 3.0);
    EXPECT_EQ(a.latest(at(1'700'000'123.25))->value, b.latest(at(1'700'000'123.25))->value);
}

} // namespace
} // namespace ihpa::adapter
