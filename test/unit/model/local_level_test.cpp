// The robust local level: the median of the last points, masked ones skipped.
#include "model/local_level.hpp"

#include <gtest/gtest.h>

namespace ihpa::model {
namespace {

ComponentInput input_of(const Eigen::VectorXd& y, const Eigen::VectorXd& weight, Eigen::Index n_fit)
{
    return ComponentInput{y, weight, n_fit, 2, 300, {}, true};
}

TEST(LocalLevel, RepeatsTheMedianOfTheLastPointsAndIgnoresASpike)
{
    Eigen::VectorXd y(8);
    y << 10, 11, 9, 10, 12, 10, 11, 500; // the last point is a spike
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(8);
    const auto run = LocalLevel::create({.window = 5}).value().run(input_of(y, weight, 6)).value();
    // Origins 5 and 6: the medians of y[1..5] = {11, 9, 10, 12, 10} and y[2..6], both 10.
    ASSERT_EQ(run.validation.rows(), 2);
    EXPECT_DOUBLE_EQ(run.validation(0, 0), 10.0);
    EXPECT_DOUBLE_EQ(run.validation(1, 1), 10.0);
    // From the last point: median of {10, 12, 10, 11, 500} = 11, not the spike.
    EXPECT_DOUBLE_EQ(run.final_path->mean(3)[2], 11.0);
    EXPECT_EQ(run.stats.description, "localLevel(window=5)");
}

TEST(LocalLevel, SkipsMaskedPointsAndUsesWhatThereIsAtTheStart)
{
    Eigen::VectorXd y(4);
    y << 4, 100, 6, 8;
    Eigen::VectorXd weight(4);
    weight << 1, 0, 1, 1; // the 100 is masked (an interpolated gap)
    const auto run = LocalLevel::create({.window = 3}).value().run(input_of(y, weight, 1)).value();
    EXPECT_DOUBLE_EQ(run.validation(0, 0), 4.0);          // one point observed so far
    EXPECT_DOUBLE_EQ(run.final_path->mean(1)[0], 6.0);    // median of {8, 6, 4}
    EXPECT_DOUBLE_EQ(run.validation(2, 0), 5.0);          // {6, 4}: the mean of the two middles
}

TEST(LocalLevel, RefusesAnEvenOrOutOfRangeWindow)
{
    EXPECT_FALSE(LocalLevel::create({.window = 4}));
    EXPECT_FALSE(LocalLevel::create({.window = 0}));
    EXPECT_FALSE(LocalLevel::create({.window = 101}));
    const auto error = LocalLevel::create({.window = 4}).error();
    EXPECT_EQ(error.kind, ModelError::Kind::InvalidSpec);
    EXPECT_NE(error.message.find("window"), std::string::npos);
}

} // namespace
} // namespace ihpa::model
