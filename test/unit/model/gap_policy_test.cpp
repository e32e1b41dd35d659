#include "model/gap_policy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace ihpa::model {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Eigen::VectorXd vec(const std::vector<double>& values)
{
    return Eigen::Map<const Eigen::VectorXd>(values.data(),
                                             static_cast<Eigen::Index>(values.size()));
}

PreparedValues prepare(const std::vector<double>& values, Eigen::Index max_gap = 2)
{
    auto prepared = apply_gap_policy(vec(values), GapPolicy{.max_interpolated_gap = max_gap});
    EXPECT_TRUE(prepared.has_value());
    return prepared.value_or(PreparedValues{});
}

TEST(GapPolicy, LeavesAGapFreeSeriesAsItIs)
{
    const PreparedValues out = prepare({3.0, 1.0, 4.0, 1.0, 5.0});
    EXPECT_EQ(out.values, vec({3.0, 1.0, 4.0, 1.0, 5.0}));
    EXPECT_EQ(out.weight, Eigen::VectorXd::Ones(5));
}

TEST(GapPolicy, InterpolatesAShortGapLinearly)
{
    const PreparedValues out = prepare({10.0, kNan, kNan, 40.0, 50.0});
    EXPECT_TRUE(out.values.isApprox(vec({10.0, 20.0, 30.0, 40.0, 50.0}), 1e-14)) << out.values;
    EXPECT_EQ(out.weight, Eigen::VectorXd::Ones(5));
}

TEST(GapPolicy, TreatsInfinitiesAsGaps)
{
    const PreparedValues out = prepare({2.0, kInf, -kInf, 8.0});
    EXPECT_TRUE(out.values.isApprox(vec({2.0, 4.0, 6.0, 8.0}), 1e-14)) << out.values;
    EXPECT_EQ(out.weight, Eigen::VectorXd::Ones(4));
}

TEST(GapPolicy, MasksALongGapHoldingTheLastValue)
{
    // Three missing points exceed the limit of two: held at 7 with weight 0.
    const PreparedValues out = prepare({5.0, 7.0, kNan, kNan, kNan, 1.0});
    EXPECT_EQ(out.values, vec({5.0, 7.0, 7.0, 7.0, 7.0, 1.0}));
    EXPECT_EQ(out.weight, vec({1.0, 1.0, 0.0, 0.0, 0.0, 1.0}));
}

TEST(GapPolicy, AGapOfExactlyTheLimitIsInterpolated)
{
    EXPECT_EQ(prepare({0.0, kNan, kNan, 3.0}, 2).weight, Eigen::VectorXd::Ones(4));
    EXPECT_EQ(prepare({0.0, kNan, kNan, 3.0}, 1).weight, vec({1.0, 0.0, 0.0, 1.0}));
    EXPECT_EQ(prepare({0.0, kNan, 2.0}, 0).weight, vec({1.0, 0.0, 1.0}));
}

TEST(GapPolicy, DropsLeadingGapsAndMasksTrailingOnes)
{
    const PreparedValues out = prepare({kNan, kNan, kNan, 6.0, 9.0, kNan});
    EXPECT_EQ(out.values, vec({6.0, 9.0, 9.0}));
    EXPECT_EQ(out.weight, vec({1.0, 1.0, 0.0}));
}

TEST(GapPolicy, HandlesEveryKindOfGapInOneSeries)
{
    const PreparedValues out =
        prepare({kNan, 1.0, kNan, 3.0, kNan, kNan, kNan, 4.0, kInf}, 1);
    EXPECT_EQ(out.values, vec({1.0, 2.0, 3.0, 3.0, 3.0, 3.0, 4.0, 4.0}));
    EXPECT_EQ(out.weight, vec({1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0}));
    EXPECT_TRUE(out.values.allFinite());
}

TEST(GapPolicy, KeepsConstantAndAllZeroSeries)
{
    const PreparedValues constant = prepare({4.5, 4.5, kNan, 4.5});
    EXPECT_EQ(constant.values, Eigen::VectorXd::Constant(4, 4.5));
    const PreparedValues zeros = prepare({0.0, 0.0, 0.0, kNan, kNan, kNan, 0.0}, 2);
    EXPECT_EQ(zeros.values, Eigen::VectorXd::Zero(7));
    EXPECT_EQ(zeros.weight, vec({1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0}));
}

TEST(GapPolicy, AcceptsASinglePoint)
{
    const PreparedValues one = prepare({kNan, 2.5});
    EXPECT_EQ(one.values, vec({2.5}));
    EXPECT_EQ(one.weight, vec({1.0}));
    const PreparedValues trailing = prepare({2.5, kNan});
    EXPECT_EQ(trailing.values, vec({2.5, 2.5}));
    EXPECT_EQ(trailing.weight, vec({1.0, 0.0}));
}

TEST(GapPolicy, RefusesASeriesWithoutAFiniteValue)
{
    for (const auto& values : {std::vector<double>{}, std::vector<double>{kNan},
                               std::vector<double>{kNan, kInf, -kInf}}) {
        const auto out = apply_gap_policy(vec(values), GapPolicy{});
        ASSERT_FALSE(out.has_value()) << values.size() << " values";
        EXPECT_EQ(out.error().kind, ModelError::Kind::NotEnoughData);
    }
}

} // namespace
} // namespace ihpa::model
