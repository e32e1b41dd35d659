#include "model/time_shift.hpp"
#include "synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ihpa::model {
namespace {

Series observed(std::int64_t start, std::initializer_list<double> values)
{
    Series s;
    s.start = start;
    s.step_seconds = 60;
    s.values = Eigen::VectorXd(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (const double v : values) {
        s.values[i++] = v;
    }
    return s;
}

double served(const TimeShift& shift, std::int64_t now, const Series& seen = Series{})
{
    const auto value = shifted_value(testing::example_anchored(), seen, now, shift);
    EXPECT_TRUE(value.has_value()) << (value ? "" : value.error().message);
    return value.value_or(std::nan(""));
}

TEST(TimeShift, PointReadsTheHorizonAtNowPlusLead)
{
    EXPECT_DOUBLE_EQ(served({.lead_seconds = 120}, 1000), 20.0);
    EXPECT_DOUBLE_EQ(served({.lead_seconds = 0}, 1000), 10.0);
    EXPECT_DOUBLE_EQ(served({.lead_seconds = 60}, 1060), 20.0);
}

TEST(TimeShift, PointInterpolatesBetweenSteps)
{
    // now + lead = 1090: half way between horizon 1 (12) and horizon 2 (20).
    EXPECT_DOUBLE_EQ(served({.lead_seconds = 90}, 1000), 16.0);
    // 1030: half way between the origin value (10) and horizon 1 (12).
    EXPECT_DOUBLE_EQ(served({.lead_seconds = 30}, 1000), 11.0);
}

TEST(TimeShift, WindowMaxTakesTheHighestKnotInsideTheWindow)
{
    // [1090, 1240]: ends 16 and 14 (interpolated), knots at 1120 (20), 1180 (16).
    EXPECT_DOUBLE_EQ(served({.lead_seconds = 150, .rule = ShiftRule::WindowMax}, 1090), 20.0);
    // [1130, 1200]: ends 19.333… and 16, no knot of higher value inside.
    EXPECT_NEAR(served({.lead_seconds = 70, .rule = ShiftRule::WindowMax}, 1130),
                20.0 - 4.0 / 6.0, 1e-12);
}

TEST(TimeShift, UpperBandReadsTheNinetyPercentQuantile)
{
    EXPECT_DOUBLE_EQ(served({.lead_seconds = 120, .band = ShiftBand::Upper}, 1000), 26.0);
    EXPECT_DOUBLE_EQ(
        served({.lead_seconds = 240, .rule = ShiftRule::WindowMax, .band = ShiftBand::Upper},
               1000),
        26.0);
}

TEST(TimeShift, AdjustShiftsUpByTheLatestErrorInsideTheBand)
{
    const TimeShift adjust{.lead_seconds = 60, .band = ShiftBand::Adjust};
    // Observed 15 at 1060 where the forecast said 12: error +3. At 1120: min(20 + 3, 26) = 23.
    EXPECT_DOUBLE_EQ(served(adjust, 1060, observed(1000, {10.0, 15.0})), 23.0);
    // Error +10 is clipped by the upper band: min(20 + 10, 26) = 26.
    EXPECT_DOUBLE_EQ(served(adjust, 1060, observed(1000, {10.0, 22.0})), 26.0);
    // A negative error never lowers the forecast.
    EXPECT_DOUBLE_EQ(served(adjust, 1060, observed(1000, {10.0, 5.0})), 20.0);
    // No observation after the origin: no shift.
    EXPECT_DOUBLE_EQ(served(adjust, 1060, observed(940, {9.0, 10.0})), 20.0);
    // The latest finite observation counts (a trailing NaN is skipped).
    EXPECT_DOUBLE_EQ(served(adjust, 1060, observed(1000, {10.0, 15.0, std::nan("")})), 23.0);
}

TEST(TimeShift, LeavesNegativeValuesAndTheFloorToTheServingClamp)
{
    AnchoredForecast a = testing::example_anchored();
    a.forecast.mean.setConstant(-5.0);
    EXPECT_DOUBLE_EQ(shifted_value(a, Series{}, 1000, {.lead_seconds = 60}).value(), -5.0);
    EXPECT_DOUBLE_EQ(served({.lead_seconds = 120, .floor = 25.0}, 1000), 20.0);
}

TEST(TimeShift, RejectsBadSettingsAndShortForecasts)
{
    const AnchoredForecast a = testing::example_anchored();
    EXPECT_EQ(shifted_value(a, Series{}, 1000, {.lead_seconds = -1}).error().kind,
              ModelError::Kind::InvalidSpec);
    AnchoredForecast no_step = a;
    no_step.step_seconds = 0;
    EXPECT_EQ(shifted_value(no_step, Series{}, 1000, {}).error().kind,
              ModelError::Kind::InvalidSpec);
    EXPECT_EQ(shifted_value(a, Series{}, 1000, {.lead_seconds = 241}).error().kind,
              ModelError::Kind::NotEnoughData);
    EXPECT_TRUE(shifted_value(a, Series{}, 1000, {.lead_seconds = 240}).has_value());
}

TEST(TimeShift, BandAtInterpolatesTheLowerAndUpperPaths)
{
    const AnchoredForecast a = testing::example_anchored();
    // 1090: half way between horizon 1 (11 / 13) and horizon 2 (15 / 26).
    const auto band = band_at(a, 1090);
    ASSERT_TRUE(band.has_value());
    EXPECT_DOUBLE_EQ(band->lower, 13.0);
    EXPECT_DOUBLE_EQ(band->upper, 19.5);
    // At the origin both paths start at the last fitted value.
    EXPECT_DOUBLE_EQ(band_at(a, 1000)->lower, 10.0);
    EXPECT_DOUBLE_EQ(band_at(a, 1000)->upper, 10.0);
    EXPECT_EQ(band_at(a, 1241).error().kind, ModelError::Kind::NotEnoughData);
}

TEST(TimeShift, ParsesRuleAndBandNames)
{
    EXPECT_EQ(parse_shift_rule("point").value(), ShiftRule::Point);
    EXPECT_EQ(parse_shift_rule("windowMax").value(), ShiftRule::WindowMax);
    EXPECT_FALSE(parse_shift_rule("max").has_value());
    EXPECT_EQ(parse_shift_band("yhat").value(), ShiftBand::Yhat);
    EXPECT_EQ(parse_shift_band("upper").value(), ShiftBand::Upper);
    EXPECT_EQ(parse_shift_band("adjust").value(), ShiftBand::Adjust);
    EXPECT_NE(parse_shift_band("lower").error().message.find("yhat, upper, adjust"),
              std::string::npos);
}

TEST(TimeShift, AnchorForecastsFarEnoughFromTheLastFittedPoint)
{
    const Series fitted = observed(1000, {4.0, 5.0, std::nan("")});
    const auto anchored = anchor_forecast(testing::RampFit{}, fitted, 1120 + 150);
    ASSERT_TRUE(anchored.has_value());
    EXPECT_EQ(anchored->origin, 1120);
    EXPECT_DOUBLE_EQ(anchored->origin_value, 5.0);
    EXPECT_EQ(anchored->forecast.mean.size(), 3);
    EXPECT_FALSE(anchor_forecast(testing::RampFit{}, observed(0, {std::nan("")}), 10).has_value());
}

} // namespace
} // namespace ihpa::model
