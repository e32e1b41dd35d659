#include "simulate/trace.hpp"

#include <gtest/gtest.h>

namespace ihpa::simulate {
namespace {

TEST(TraceReplay, InterpolatesTheLoadLinearlyAndTheScraperSeesTheLatestSample)
{
    model::Series trace;
    trace.start = 0;
    trace.step_seconds = 60;
    trace.values = Eigen::Vector3d{2.0, 10.0, 4.0};
    EXPECT_EQ(end_time(trace), 120);
    EXPECT_DOUBLE_EQ(load_at(trace, -5.0), 2.0);
    EXPECT_DOUBLE_EQ(load_at(trace, 30.0), 6.0);
    EXPECT_DOUBLE_EQ(load_at(trace, 90.0), 7.0);
    EXPECT_DOUBLE_EQ(load_at(trace, 500.0), 4.0);
    EXPECT_DOUBLE_EQ(observed_at(trace, 59), 2.0);
    EXPECT_DOUBLE_EQ(observed_at(trace, 60), 10.0);
    EXPECT_EQ(samples_until(trace, -1), 0);
    EXPECT_EQ(samples_until(trace, 119), 2);
    EXPECT_EQ(samples_until(trace, 10'000), 3);
}

} // namespace
} // namespace ihpa::simulate
