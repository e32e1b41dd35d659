#include "model/registry.hpp"
#include "synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <vector>
#include <string>

namespace ihpa::model {
namespace {

using testing::daily_series;

class EveryModel : public ::testing::TestWithParam<std::string> {
protected:
    std::unique_ptr<Forecaster> make() const
    {
        auto made = make_forecaster(GetParam());
        EXPECT_TRUE(made.has_value());
        return std::move(made.value());
    }
};

/// Finite values with lower <= mean <= upper at every horizon.
void expect_well_formed(const Forecast& f, Eigen::Index steps)
{
    ASSERT_EQ(f.mean.size(), steps);
    ASSERT_EQ(f.lower.size(), steps);
    ASSERT_EQ(f.upper.size(), steps);
    for (Eigen::Index h = 0; h < steps; ++h) {
        EXPECT_TRUE(std::isfinite(f.mean[h]) && std::isfinite(f.lower[h]) &&
                    std::isfinite(f.upper[h]))
            << "h=" << h + 1;
        EXPECT_LE(f.lower[h], f.mean[h]) << "h=" << h + 1;
        EXPECT_LE(f.mean[h], f.upper[h]) << "h=" << h + 1;
    }
}

TEST_P(EveryModel, GivesOrderedFiniteBandsOnASeasonalSeries)
{
    const Series s = daily_series(600, 48, 4.0);
    const auto fit = make()->fit(s);
    ASSERT_TRUE(fit.has_value()) << fit.error().message;
    expect_well_formed((*fit)->forecast(30), 30);
    EXPECT_FALSE((*fit)->stats().description.empty());
}

TEST_P(EveryModel, UsesNothingAfterTheOrigin)
{
    // The forecast made at origin o is bit-identical whether the series ends at o or goes on.
    const Series full = daily_series(700, 48, 4.0);
    Series cut = full;
    cut.values = full.values.head(500);
    const auto a = make()->fit(cut);
    Series longer = full;
    longer.values.tail(200).setConstant(1e6);
    Series longer_cut = longer;
    longer_cut.values = longer.values.head(500);
    const auto b = make()->fit(longer_cut);
    ASSERT_TRUE(a && b);
    const Forecast fa = (*a)->forecast(12);
    const Forecast fb = (*b)->forecast(12);
    for (Eigen::Index h = 0; h < 12; ++h) {
        EXPECT_EQ(fa.mean[h], fb.mean[h]);
        EXPECT_EQ(fa.upper[h], fb.upper[h]);
    }
}

TEST_P(EveryModel, IsDeterministic)
{
    const Series s = daily_series(600, 48, 4.0);
    const Forecast a = make()->fit(s).value()->forecast(12);
    const Forecast b = make()->fit(s).value()->forecast(12);
    EXPECT_EQ(a.mean, b.mean);
    EXPECT_EQ(a.lower, b.lower);
    EXPECT_EQ(a.upper, b.upper);
}

TEST_P(EveryModel, ForecastsAConstantSeriesAsThatConstant)
{
    for (const double level : {0.0, 7.5}) {
        Series s = daily_series(400, 48, 0.0);
        s.values.setConstant(level);
        const auto fit = make()->fit(s);
        ASSERT_TRUE(fit.has_value()) << fit.error().message;
        const Forecast f = (*fit)->forecast(12);
        expect_well_formed(f, 12);
        EXPECT_NEAR(f.mean.minCoeff(), level, 1e-9);
        EXPECT_NEAR(f.mean.maxCoeff(), level, 1e-9);
    }
}

TEST_P(EveryModel, SurvivesNanInfAndLongGaps)
{
    Series s = daily_series(600, 48, 4.0);
    s.values[10] = std::numeric_limits<double>::infinity();
    s.values[11] = std::nan("");
    s.values.segment(200, 100).setConstant(std::nan(""));
    s.values[599] = -std::numeric_limits<double>::infinity();
    const auto fit = make()->fit(s);
    ASSERT_TRUE(fit.has_value()) << fit.error().message;
    expect_well_formed((*fit)->forecast(12), 12);
}

TEST_P(EveryModel, RefusesAnAllNanSeriesAndHandlesAVeryShortOne)
{
    Series s = daily_series(5, 48, 0.0);
    s.values.setConstant(std::nan(""));
    const auto empty = make()->fit(s);
    ASSERT_FALSE(empty.has_value());
    EXPECT_EQ(empty.error().kind, ModelError::Kind::NotEnoughData);
    for (const Eigen::Index n : {1, 2, 3, 10}) {
        const Series tiny = daily_series(n, 48, 1.0);
        const auto fit = make()->fit(tiny);
        if (GetParam() == "auto" || GetParam() == "naive") {
            ASSERT_TRUE(fit.has_value()) << "n=" << n << ": " << fit.error().message;
        }
        if (fit) {
            expect_well_formed((*fit)->forecast(3), 3);
        } else {
            EXPECT_EQ(fit.error().kind, ModelError::Kind::NotEnoughData);
        }
    }
}

TEST_P(EveryModel, RefusesANonPositiveStep)
{
    Series s = daily_series(100, 48, 1.0);
    s.step_seconds = 0;
    EXPECT_EQ(make()->fit(s).error().kind, ModelError::Kind::InvalidSpec);
}

std::string model_name(const ::testing::TestParamInfo<std::string>& param_info)
{
    return param_info.param;
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryModel, ::testing::ValuesIn(forecaster_names()),
                         model_name);

TEST(Registry, ListsTheModelsAndRejectsUnknownNames)
{
    const auto names = forecaster_names();
    EXPECT_EQ(names.front(), "auto");
    const auto unknown = make_forecaster("prophet");
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().kind, ModelError::Kind::InvalidSpec);
    EXPECT_NE(unknown.error().message.find("naive"), std::string::npos);
}

TEST(Auto, PrefersTheSeasonalModelOnACleanCycle)
{
    const Series s = daily_series(900, 48, 1.0);
    const auto fit = make_forecaster("auto").value()->fit(s).value();
    const Forecast f = fit->forecast(12);
    // The truth 12 steps ahead is the sine; naive would be off by up to 30.
    for (Eigen::Index h = 1; h <= 12; ++h) {
        const double phase = 2.0 * std::numbers::pi * static_cast<double>(899 + h) / 48.0;
        EXPECT_NEAR(f.mean[h - 1], 100.0 + 30.0 * std::sin(phase), 3.0) << "h=" << h;
    }
}

TEST(Auto, FallsBackToNaiveOnARandomWalk)
{
    const Series s = testing::random_walk(900, 7);
    const auto fit = make_forecaster("auto").value()->fit(s).value();
    const Forecast f = fit->forecast(6);
    EXPECT_NEAR(f.mean[0], s.values[899], 0.5 * 10.0);
    EXPECT_NE(fit->stats().description.find("naive"), std::string::npos);
}

/// The forecaster `name` with its seasonal periods (seconds) set instead of detected.
std::unique_ptr<Forecaster> with_seasonality(const std::string& name,
                                             std::optional<std::vector<std::int64_t>> periods)
{
    FitOptions options;
    options.seasonal_periods_seconds = std::move(periods);
    return make_forecaster(name, options).value();
}

TEST(Seasonality, NoneFitsNoCycleAndDailyFitsOneDetectionWouldMiss)
{
    // A daily cycle of amplitude 30 under noise of scale 1: detected by default.
    const Series clean = daily_series(900, 48, 1.0);
    const auto detected = make_forecaster("holtWinters").value()->fit(clean).value();
    EXPECT_NE(detected->stats().description.find("period=48"), std::string::npos)
        << detected->stats().description;
    const auto none = with_seasonality("holtWinters", std::vector<std::int64_t>{})->fit(clean);
    ASSERT_TRUE(none.has_value());
    EXPECT_NE(none.value()->stats().description.find("period=0"), std::string::npos)
        << none.value()->stats().description;

    // Under noise 10 times the amplitude the cycle is not significant, but the user knows it.
    const Series noisy = daily_series(900, 48, 300.0);
    const auto undetected = make_forecaster("holtWinters").value()->fit(noisy).value();
    EXPECT_NE(undetected->stats().description.find("period=0"), std::string::npos)
        << undetected->stats().description;
    const auto daily = with_seasonality("holtWinters", std::vector<std::int64_t>{86400})->fit(noisy);
    ASSERT_TRUE(daily.has_value());
    EXPECT_NE(daily.value()->stats().description.find("period=48"), std::string::npos)
        << daily.value()->stats().description;
}

TEST(Seasonality, ModelsThatNeedAPeriodRefuseNoneAndAutoLeavesThemOut)
{
    const Series s = daily_series(900, 48, 1.0);
    for (const char* name : {"fourier", "seasonalNaive"}) {
        const auto fit = with_seasonality(name, std::vector<std::int64_t>{})->fit(s);
        ASSERT_FALSE(fit.has_value()) << name;
        EXPECT_EQ(fit.error().kind, ModelError::Kind::NotEnoughData);
        EXPECT_NE(fit.error().message.find("no seasonal period"), std::string::npos);
    }
    // A listed week that 600 half-hour points (12.5 days) do not hold twice is no period
    // either, and no model falls back to a day.
    const auto weekly = with_seasonality("fourier", std::vector<std::int64_t>{7 * 86400})
                            ->fit(daily_series(600, 48, 1.0));
    ASSERT_FALSE(weekly.has_value());
    const auto fit = with_seasonality("auto", std::vector<std::int64_t>{})->fit(s);
    ASSERT_TRUE(fit.has_value());
    const std::string description = fit.value()->stats().description;
    EXPECT_EQ(description.find("fourier"), std::string::npos) << description;
    EXPECT_EQ(description.find("seasonalNaive"), std::string::npos) << description;
    EXPECT_EQ(description.find("period=48"), std::string::npos) << description;
}

} // namespace
} // namespace ihpa::model
