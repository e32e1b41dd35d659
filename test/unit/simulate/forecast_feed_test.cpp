#include "simulate/forecast_feed.hpp"
#include "simulate/oracle_feed.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace ihpa::simulate {
namespace {

/// A fitted model that forecasts fixed values per horizon (band: ±1).
class FixedFit final : public model::FittedModel {
public:
    explicit FixedFit(Eigen::VectorXd horizons) : horizons_(std::move(horizons)) {}
    model::Forecast forecast(Eigen::Index steps) const override
    {
        model::Forecast out;
        out.mean = Eigen::VectorXd::Constant(steps, horizons_[horizons_.size() - 1]);
        out.mean.head(std::min(steps, horizons_.size())) = horizons_.head(std::min(steps, horizons_.size()));
        out.lower = out.mean.array() - 1.0;
        out.upper = out.mean.array() + 1.0;
        return out;
    }
    const model::FitStats& stats() const override { return stats_; }

private:
    Eigen::VectorXd horizons_;
    model::FitStats stats_;
};

/// Records every series it is fitted on; forecasts `horizons` for the first `successes` fits,
/// then fails.
class RecordingForecaster final : public model::Forecaster {
public:
    static constexpr std::size_t kAlways = std::numeric_limits<std::size_t>::max();

    RecordingForecaster(std::vector<model::Series>& fits, Eigen::VectorXd horizons,
                        std::size_t successes = kAlways)
        : fits_(fits), horizons_(std::move(horizons)), successes_(successes)
    {
    }
    std::expected<std::shared_ptr<const model::FittedModel>, model::ModelError>
    fit(const model::Series& series) const override
    {
        fits_.push_back(series);
        if (fits_.size() > successes_) {
            return std::unexpected(model::ModelError{model::ModelError::Kind::NotEnoughData, "no"});
        }
        return std::make_shared<const FixedFit>(horizons_);
    }

private:
    std::vector<model::Series>& fits_;
    Eigen::VectorXd horizons_;
    std::size_t successes_;
};

/// 0, 1, 2, ... every 60 s from t=0.
model::Series ramp(Eigen::Index n)
{
    model::Series s;
    s.start = 0;
    s.step_seconds = 60;
    s.values = Eigen::VectorXd::LinSpaced(n, 0.0, static_cast<double>(n - 1));
    return s;
}

using model::ShiftBand;
using model::ShiftRule;

model::ServingPolicy settings(std::int64_t lead, ShiftRule rule)
{
    model::ServingPolicy f;
    f.shift.lead_seconds = lead;
    f.shift.rule = rule;
    f.shift.band = ShiftBand::Yhat;
    f.refit_seconds = 120;
    f.history_seconds = 600;
    f.min_history = 3;
    return f;
}

TEST(ModelForecastFeed, FitsOnlyOnSamplesSeenSoFarAtTheRefitInterval)
{
    const model::Series trace = ramp(40);
    std::vector<model::Series> fits;
    ModelForecastFeed feed(trace, std::make_unique<RecordingForecaster>(fits, Eigen::Vector3d{1, 2, 3}),
                           settings(300, ShiftRule::WindowMax));
    for (std::int64_t now = 0; now < 1200; now += 15) {
        (void)feed.read(now);
        ASSERT_FALSE(!fits.empty() && fits.back().time_at(fits.back().size() - 1) > now) << "look-ahead at " << now;
    }
    // First fit at t=120 (3 samples), then every 120 s: 120, 240, ..., 1080.
    ASSERT_EQ(fits.size(), 9U);
    EXPECT_EQ(fits[0].size(), 3);
    EXPECT_EQ(fits[1].time_at(fits[1].size() - 1), 240);
    // The history window keeps 600 s = 10 samples.
    EXPECT_EQ(fits.back().size(), 10);
    EXPECT_EQ(fits.back().start, 1080 - 9 * 60);
    EXPECT_EQ(feed.stats().fits, 9);
    EXPECT_EQ(feed.stats().cold_reads, 8); // t = 0..105 before the third sample
}

// Last fitted sample: 9 at t=540 (ramp index 9); horizons 12, 20, 14 at 600, 660, 720.
TEST(ModelForecastFeed, AppliesTheRuleToThePathFromTheLastSampleThroughTheHorizons)
{
    model::Series trace = ramp(20);
    std::vector<model::Series> fits;
    const Eigen::Vector3d horizons{12, 20, 14};
    model::ServingPolicy f = settings(90, ShiftRule::Point);
    f.refit_seconds = 10'000;
    f.min_history = 10;
    ModelForecastFeed point(trace, std::make_unique<RecordingForecaster>(fits, horizons), f);
    // At 540 with lead 90: 12 + 0.5 × (20 - 12) = 16; band ±1 at 630.
    const ForecastReading r = point.read(540);
    EXPECT_DOUBLE_EQ(r.value, 16.0);
    EXPECT_DOUBLE_EQ(r.lower, 15.0);
    EXPECT_DOUBLE_EQ(r.upper, 17.0);
    // At 600 with lead 90 (no refit): point at 690 = 20 + 0.5 × (14 - 20) = 17.
    EXPECT_DOUBLE_EQ(point.read(600).value, 17.0);

    f.shift.rule = ShiftRule::WindowMax;
    ModelForecastFeed window(trace, std::make_unique<RecordingForecaster>(fits, horizons), f);
    // max(path(540) = 9, 12 at 600, 16 at 630) = 16, then max over [600, 690] holds 20 at 660.
    EXPECT_DOUBLE_EQ(window.read(540).value, 16.0);
    EXPECT_DOUBLE_EQ(window.read(600).value, 20.0);

    f.shift.band = ShiftBand::Upper;
    ModelForecastFeed upper(trace, std::make_unique<RecordingForecaster>(fits, horizons), f);
    EXPECT_DOUBLE_EQ(upper.read(540).value, 17.0);
}

// Band adjust (model/time_shift): the fit at 540 forecasts 5 (band 4..6); the sample at 600 is
// 10, 5 above the forecast, so the path moves up by 5 but stays inside the band: 6.
TEST(ModelForecastFeed, AdjustSeesTheSamplesThatArrivedSinceTheFit)
{
    const model::Series trace = ramp(20);
    std::vector<model::Series> fits;
    model::ServingPolicy f = settings(90, ShiftRule::Point);
    f.refit_seconds = 10'000;
    f.min_history = 10;
    f.shift.band = ShiftBand::Adjust;
    ModelForecastFeed feed(trace, std::make_unique<RecordingForecaster>(fits, Eigen::Vector3d{5, 5, 5}), f);
    EXPECT_DOUBLE_EQ(feed.read(540).value, 5.0);
    EXPECT_DOUBLE_EQ(feed.read(600).value, 6.0);
    EXPECT_EQ(fits.size(), 1U);
}

TEST(ModelForecastFeed, ServesTheLatestValueWhileFitsFailOrHistoryIsShort)
{
    const model::Series trace = ramp(20);
    std::vector<model::Series> fits;
    ModelForecastFeed feed(trace, std::make_unique<RecordingForecaster>(fits, Eigen::Vector3d{0, 0, 0}, 0),
                           settings(300, ShiftRule::WindowMax));
    EXPECT_DOUBLE_EQ(feed.read(60).value, 1.0);  // 2 samples < min_history
    EXPECT_DOUBLE_EQ(feed.read(250).value, 4.0); // fit failed: latest sample (t=240)
    EXPECT_EQ(feed.stats().failed_fits, 1);
    EXPECT_EQ(feed.stats().fits, 0);
}

// As `ihpa serve` does: a failed refit keeps the previous fit, which serves until it no longer
// reaches now + lead (anchored through two refits, maxStaleness, the lead and a step).
TEST(ModelForecastFeed, AFailedRefitKeepsServingThePreviousFit)
{
    const model::Series trace = ramp(60);
    std::vector<model::Series> fits;
    ModelForecastFeed feed(trace, std::make_unique<RecordingForecaster>(fits, Eigen::Vector3d{50, 50, 50}, 1),
                           settings(300, ShiftRule::Point));
    EXPECT_DOUBLE_EQ(feed.read(120).value, 50.0); // fitted at 120 (samples 0..2)
    EXPECT_DOUBLE_EQ(feed.read(240).value, 50.0); // the refit at 240 failed: the fit of 120
    EXPECT_EQ(feed.stats().fits, 1);
    EXPECT_EQ(feed.stats().failed_fits, 1);
    // The fit of 120 reaches 120 + 2 × 120 + 600 + 300 + 60 = 1320: served up to now = 1020.
    EXPECT_DOUBLE_EQ(feed.read(1020).value, 50.0);
    EXPECT_EQ(feed.stats().cold_reads, 0);
    EXPECT_DOUBLE_EQ(feed.read(1035).value, 17.0); // the latest sample (t = 1020)
    EXPECT_EQ(feed.stats().cold_reads, 1);
}

TEST(ModelForecastFeed, NeverServesANegativeValue)
{
    const model::Series trace = ramp(20);
    std::vector<model::Series> fits;
    ModelForecastFeed feed(trace, std::make_unique<RecordingForecaster>(fits, Eigen::Vector3d{-50, -50, -50}),
                           settings(300, ShiftRule::Point));
    EXPECT_DOUBLE_EQ(feed.read(600).value, 0.0);
}

TEST(OracleFeed, ReadsTheTrueFutureLoadUnderTheRule)
{
    model::Series trace;
    trace.start = 0;
    trace.step_seconds = 60;
    trace.values = Eigen::Vector4d{2, 10, 4, 4};
    OracleFeed window(trace, model::TimeShift{90, ShiftRule::WindowMax, ShiftBand::Upper, {}});
    EXPECT_DOUBLE_EQ(window.read(0).value, 10.0);  // the sample at 60 lies inside [0, 90]
    EXPECT_DOUBLE_EQ(window.read(75).value, 8.5);  // load at 75 = 10 - 6 × 15/60
    OracleFeed point(trace, model::TimeShift{90, ShiftRule::Point, ShiftBand::Yhat, {}});
    EXPECT_DOUBLE_EQ(point.read(0).value, 7.0);    // load at 90
}

} // namespace
} // namespace ihpa::simulate
