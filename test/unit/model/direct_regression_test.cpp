// The direct regression component: what it learns on series whose answer is known.
#include "model/direct_regression.hpp"
#include "model/registry.hpp"
#include "model/validated_fit.hpp"
#include "synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace ihpa::model {
namespace {

using testing::daily_series;

TEST(DirectRegression, FollowsTheCycleItLearnedFromThePreviousOnes)
{
    const Series s = daily_series(900, 48, 1.0);
    const auto fit = make_forecaster("directRegression").value()->fit(s);
    ASSERT_TRUE(fit.has_value()) << fit.error().message;
    const Forecast f = (*fit)->forecast(12);
    for (Eigen::Index h = 1; h <= 12; ++h) {
        const double phase = 2.0 * std::numbers::pi * static_cast<double>(899 + h) / 48.0;
        EXPECT_NEAR(f.mean[h - 1], 100.0 + 30.0 * std::sin(phase), 2.0) << "h=" << h;
    }
    EXPECT_NE((*fit)->stats().description.find("periods=1"), std::string::npos)
        << (*fit)->stats().description;
}

TEST(DirectRegression, ForecastsARandomWalkAsItsLastValue)
{
    const Series s = testing::random_walk(900, 11);
    FitOptions options;
    options.seasonal_periods_seconds = std::vector<std::int64_t>{}; // none: no seasonal features
    const auto fit = make_forecaster("directRegression", options).value()->fit(s);
    ASSERT_TRUE(fit.has_value()) << fit.error().message;
    EXPECT_NE((*fit)->stats().description.find("periods=0,features=3"), std::string::npos)
        << (*fit)->stats().description;
    const Forecast f = (*fit)->forecast(6);
    for (Eigen::Index h = 1; h <= 6; ++h) {
        // The steps have a standard deviation of 2.9: a learned drift or reversion would show.
        EXPECT_NEAR(f.mean[h - 1], s.values[899], 1.5) << "h=" << h;
    }
}

TEST(DirectRegression, KeepsANewLevelAfterAShift)
{
    // A cycle whose level jumps by 50 two cycles before the end: the forecast follows the new
    // level (the seasonal changes carry over, the old level does not come back). Within a cycle
    // of the jump the previous cycle's changes contain it; auto's validation weighs that.
    Series s = daily_series(900, 48, 1.0);
    s.values.tail(96).array() += 50.0;
    const auto fit = make_forecaster("directRegression").value()->fit(s);
    ASSERT_TRUE(fit.has_value()) << fit.error().message;
    const Forecast f = (*fit)->forecast(6);
    for (Eigen::Index h = 1; h <= 6; ++h) {
        const double phase = 2.0 * std::numbers::pi * static_cast<double>(899 + h) / 48.0;
        EXPECT_NEAR(f.mean[h - 1], 150.0 + 30.0 * std::sin(phase), 5.0) << "h=" << h;
    }
}

TEST(DirectRegression, RefusesBadParametersAndTooShortAPrefix)
{
    EXPECT_EQ(DirectRegression::create({.training_rows = 0}).error().kind, ModelError::Kind::InvalidSpec);
    EXPECT_EQ(DirectRegression::create({.level_window = 1}).error().kind, ModelError::Kind::InvalidSpec);
    EXPECT_EQ(DirectRegression::create({.ridge = -1.0}).error().kind, ModelError::Kind::InvalidSpec);
    const auto model = DirectRegression::create({}).value();
    const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(40, 1.0, 40.0);
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(40);
    const ComponentInput input{y, weight, 30, 12, 60, {}, true};
    const auto run = model.run(input);
    ASSERT_FALSE(run.has_value());
    EXPECT_EQ(run.error().kind, ModelError::Kind::NotEnoughData);
}

} // namespace
} // namespace ihpa::model
