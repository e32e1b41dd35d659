#include "simulate/trace.hpp"

#include <gtest/gtest.h>

namespace ihpa::simulate {
namespace {

TEST(ParseTrace, ReadsAConstantStepTrace)
{
    const auto trace = parse_trace("timestamp,value\r\n100,1.5\r\n160,2\r\n220,4\r\n", "t.csv");
    ASSERT_TRUE(trace) << trace.error().message;
    EXPECT_EQ(trace->series.start, 100);
    EXPECT_EQ(trace->series.step_seconds, 60);
    EXPECT_EQ(trace->series.size(), 3);
    EXPECT_EQ(end_time(trace->series), 220);
}

TEST(ParseTrace, NamesFileAndLineOfTheProblem)
{
    EXPECT_EQ(parse_trace("time,value\n1,2\n", "t.csv").error().message,
              "t.csv:1: expected the header \"timestamp,value\"");
    EXPECT_EQ(parse_trace("timestamp,value\n0,1\n60,x\n", "t.csv").error().message,
              "t.csv:3: value is not a finite number");
    EXPECT_EQ(parse_trace("timestamp,value\n0,1\n60,1\n180,1\n", "t.csv").error().message,
              "t.csv:4: step changes from 60 s to 120 s (the trace must have one point per step, no gaps)");
    EXPECT_EQ(parse_trace("timestamp,value\n60,1\n0,1\n", "t.csv").error().message,
              "t.csv:3: timestamps must be strictly increasing");
    EXPECT_EQ(parse_trace("timestamp,value\n60,1\n", "t.csv").error().message,
              "t.csv: needs at least two samples");
    EXPECT_EQ(parse_trace("timestamp,value\n60,nan\n", "t.csv").error().message,
              "t.csv:2: value is not a finite number");
}

TEST(TraceLoad, InterpolatesLinearlyAndTheScraperSeesTheLatestSample)
{
    const auto trace = parse_trace("timestamp,value\n0,2\n60,10\n120,4\n", "t.csv").value();
    EXPECT_DOUBLE_EQ(load_at(trace.series, -5.0), 2.0);
    EXPECT_DOUBLE_EQ(load_at(trace.series, 30.0), 6.0);
    EXPECT_DOUBLE_EQ(load_at(trace.series, 90.0), 7.0);
    EXPECT_DOUBLE_EQ(load_at(trace.series, 500.0), 4.0);
    EXPECT_DOUBLE_EQ(observed_at(trace.series, 59), 2.0);
    EXPECT_DOUBLE_EQ(observed_at(trace.series, 60), 10.0);
    EXPECT_EQ(samples_until(trace.series, -1), 0);
    EXPECT_EQ(samples_until(trace.series, 119), 2);
    EXPECT_EQ(samples_until(trace.series, 10'000), 3);
}

} // namespace
} // namespace ihpa::simulate
