#include "model/fourier.hpp"
#include "model/naive.hpp"
#include "model/seasonal_naive.hpp"
#include "model/stl.hpp"
#include "synthetic.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <numbers>
#include <vector>

namespace ihpa::model {
namespace {

using testing::daily_series;

std::vector<std::shared_ptr<const Component>> all_components()
{
    return {std::make_shared<const Naive>(),
            std::make_shared<const SeasonalNaive>(SeasonalNaive::create({}).value()),
            std::make_shared<const HoltWinters>(HoltWinters::create({}).value()),
            std::make_shared<const Fourier>(Fourier::create({}).value()),
            std::make_shared<const Stl>(Stl::create({}).value())};
}

TEST(Components, ValidationRowsUseNoDataAfterTheirOrigin)
{
    const Series s = daily_series(400, 24, 3.0, 3600);
    Series changed = s;
    changed.values.tail(50).array() *= 3.0; // points 350.. differ
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(400);
    for (const auto& component : all_components()) {
        const ComponentInput a{s.values, weight, 300, 12, 3600, {24.0}};
        const ComponentInput b{changed.values, weight, 300, 12, 3600, {24.0}};
        const auto run_a = component->run(a);
        const auto run_b = component->run(b);
        ASSERT_TRUE(run_a && run_b);
        SCOPED_TRACE(run_a->stats.description);
        ASSERT_EQ(run_a->validation.rows(), 100);
        for (Eigen::Index k = 0; 299 + k <= 349; ++k) {
            EXPECT_EQ(run_a->validation.row(k), run_b->validation.row(k)) << "row " << k;
        }
    }
}

TEST(Components, FollowACleanDailyCycle)
{
    const Series s = daily_series(400, 24, 0.5, 3600);
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(400);
    for (const auto& component : all_components()) {
        const auto run = component->run({s.values, weight, 300, 12, 3600, {24.0}});
        ASSERT_TRUE(run.has_value());
        if (run->stats.description == "naive") {
            continue;
        }
        SCOPED_TRACE(run->stats.description);
        const Eigen::VectorXd path = run->final_path->mean(24);
        for (Eigen::Index h = 1; h <= 24; ++h) {
            const double phase = 2.0 * std::numbers::pi * static_cast<double>(399 + h) / 24.0;
            EXPECT_NEAR(path[h - 1], 100.0 + 30.0 * std::sin(phase), 2.0) << "h=" << h;
        }
    }
}

TEST(Fourier, AnchorsTheForecastOnTheLatestObservation)
{
    // A level shift after the parameter window: the regression does not know it, the forecast
    // must (y_t + f(t+h) - f(t)).
    Series s = daily_series(400, 24, 0.0, 3600);
    s.values.tail(60).array() += 40.0;
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(400);
    const auto run = Fourier::create({}).value().run({s.values, weight, 300, 12, 3600, {24.0}});
    ASSERT_TRUE(run.has_value());
    const Eigen::VectorXd path = run->final_path->mean(12);
    for (Eigen::Index h = 1; h <= 12; ++h) {
        const double phase = 2.0 * std::numbers::pi * static_cast<double>(399 + h) / 24.0;
        EXPECT_NEAR(path[h - 1], 140.0 + 30.0 * std::sin(phase), 1.0) << "h=" << h;
    }
    // Validation row 80 is the origin 379, after the shift.
    const double phase = 2.0 * std::numbers::pi * 380.0 / 24.0;
    EXPECT_NEAR(run->validation(80, 0), 140.0 + 30.0 * std::sin(phase), 1.0);
}

TEST(RobustSeasonal, IgnoresAnOutlierAndIsCentred)
{
    Series s = daily_series(24 * 8, 24, 0.5, 3600);
    s.values[24 * 6 + 5] += 1000.0; // one anomaly: it also lifts the moving-average trend
    const Eigen::VectorXd season = robust_seasonal(s.values, 24, 6.0, 2);
    EXPECT_NEAR(season.mean(), 0.0, 1e-9);
    for (Eigen::Index p = 0; p < 24; ++p) {
        const double phase = 2.0 * std::numbers::pi * static_cast<double>(p) / 24.0;
        EXPECT_NEAR(season[p], 30.0 * std::sin(phase), 2.0) << "phase " << p;
    }
}

TEST(Components, RejectInvalidSpecs)
{
    EXPECT_FALSE(Fourier::create({.max_harmonics = 0}).has_value());
    EXPECT_FALSE(Fourier::create({.ridge = -1.0}).has_value());
    EXPECT_FALSE(Stl::create({.seasonal_cycles = 1.0}).has_value());
    EXPECT_FALSE(SeasonalNaive::create({.fallback_period_seconds = 0}).has_value());
    EXPECT_FALSE(SeasonalNaive::create({.level_window_share = 2.0}).has_value());
}

} // namespace
} // namespace ihpa::model
