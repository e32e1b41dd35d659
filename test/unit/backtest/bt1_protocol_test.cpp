#include "backtest/bt1_protocol.hpp"

#include <gtest/gtest.h>

namespace ihpa::backtest {
namespace {

TEST(PlanOrigins, MatchesTheProtocolExamples)
{
    const auto long_trace = plan_origins(8064);
    EXPECT_EQ(long_trace.origins.size(), 178U);
    EXPECT_EQ(long_trace.stride, 9);
    const auto half = plan_origins(4032);
    EXPECT_EQ(half.origins.size(), 199U);
    EXPECT_EQ(half.stride, 4);
}

TEST(PlanOrigins, StartsBeforeTheTestSplitAndStopsTwelveStepsBeforeTheEnd)
{
    for (const Eigen::Index n : {56, 1000, 2243, 4033, 4608, 7200, 8064}) {
        SCOPED_TRACE(n);
        const auto plan = plan_origins(n);
        ASSERT_FALSE(plan.origins.empty());
        EXPECT_EQ(plan.test_start, static_cast<Eigen::Index>(0.8 * static_cast<double>(n)));
        EXPECT_EQ(plan.origins.front(), plan.test_start - 1);
        EXPECT_LE(plan.origins.back() + kMaxHorizon, n - 1);
        EXPECT_GT(plan.origins.back() + plan.stride + kMaxHorizon, n - 1);
        EXPECT_LE(plan.origins.size(), 200U);
        for (std::size_t k = 1; k < plan.origins.size(); ++k) {
            EXPECT_EQ(plan.origins[k] - plan.origins[k - 1], plan.stride);
        }
    }
}

TEST(PlanOrigins, ShortTracesHaveOneOriginAtTheMinimumAndNoneBelow)
{
    EXPECT_EQ(min_trace_points(), 56);
    EXPECT_EQ(plan_origins(56).origins, std::vector<Eigen::Index>{43});
    EXPECT_TRUE(plan_origins(55).origins.empty());
}

TEST(PlanOrigins, EveryKeepsEveryKthOriginFromTheFirst)
{
    const auto all = plan_origins(8064).origins;
    const auto thinned = plan_origins(8064, 10).origins;
    ASSERT_EQ(thinned.size(), 18U);
    for (std::size_t k = 0; k < thinned.size(); ++k) {
        EXPECT_EQ(thinned[k], all[10 * k]);
    }
}

} // namespace
} // namespace ihpa::backtest
