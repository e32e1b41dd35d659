#include "model/serving.hpp"
#include "synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ihpa::model {
namespace {

/// Unix milliseconds of unix second `seconds`: the unit of observation times and `now`.
constexpr std::int64_t at(std::int64_t seconds) { return seconds * 1000; }

/// A history given as a series with 60 s steps; counts what the policy reads.
class FakeHistory final : public HistoryView {
public:
    FakeHistory(std::int64_t start, std::vector<double> values) : values_(std::move(values)), start_(start) {}

    std::optional<Observation> latest() const override
    {
        ++latest_reads;
        for (auto i = static_cast<std::int64_t>(values_.size()) - 1; i >= 0; --i) {
            if (std::isfinite(values_[static_cast<std::size_t>(i)])) {
                return Observation{at(start_ + 60 * i), values_[static_cast<std::size_t>(i)]};
            }
        }
        return std::nullopt;
    }
    std::int64_t finite_samples() const override
    {
        ++count_reads;
        return std::count_if(values_.begin(), values_.end(), [](double v) { return std::isfinite(v); });
    }
    std::int64_t step_seconds() const override { return 60; }
    Series since(std::int64_t from) const override
    {
        ++since_reads;
        const std::int64_t first = std::max<std::int64_t>(0, (from - start_ + 59) / 60);
        Series s;
        s.start = start_ + 60 * first;
        s.step_seconds = 60;
        const auto n = std::max<std::int64_t>(0, static_cast<std::int64_t>(values_.size()) - first);
        s.values.resize(n);
        for (std::int64_t i = 0; i < n; ++i) {
            s.values[i] = values_[static_cast<std::size_t>(first + i)];
        }
        return s;
    }

    mutable int latest_reads = 0;
    mutable int count_reads = 0;
    mutable int since_reads = 0;

private:
    std::vector<double> values_;
    std::int64_t start_;
};

ServingPolicy policy(ShiftBand band = ShiftBand::Yhat)
{
    ServingPolicy p;
    p.shift = {.lead_seconds = 120, .rule = ShiftRule::Point, .band = band};
    p.min_history = 3;
    p.max_staleness_ms = 600'000;
    p.hard_staleness_ms = 3'600'000;
    p.refit_seconds = 300;
    p.history_seconds = 600;
    return p;
}

/// Samples 8, 9, 10 at 880, 940, 1000: fitted up to the origin of `testing::example_anchored`.
FakeHistory fitted_history() { return FakeHistory(880, {8.0, 9.0, 10.0}); }

TEST(Serving, DefaultsAreDesignMds)
{
    const ServingPolicy p;
    EXPECT_EQ(p.shift.lead_seconds, 300);
    EXPECT_EQ(p.shift.rule, ShiftRule::WindowMax);
    EXPECT_EQ(p.shift.band, ShiftBand::Upper);
    EXPECT_EQ(p.min_history, 30);
    EXPECT_EQ(p.max_staleness_ms, 600'000);
    EXPECT_EQ(p.hard_staleness_ms, 3'600'000);
    EXPECT_EQ(p.refit_seconds, 300);
    EXPECT_EQ(p.history_seconds, 14 * 86400);
}

TEST(Serving, ForecastServesTheTimeShiftedFitWithoutReadingTheSeries)
{
    const FakeHistory history = fitted_history();
    const AnchoredForecast fit = testing::example_anchored();
    const auto served = serve(policy(), history, &fit, at(1000));
    ASSERT_TRUE(served.has_value());
    EXPECT_EQ(served->state, ServingState::Forecast);
    EXPECT_DOUBLE_EQ(served->value, 20.0); // yhat at 1120
    EXPECT_EQ(served->data_time_ms, at(1000));
    EXPECT_EQ(serve(policy(ShiftBand::Upper), history, &fit, at(1000))->value, 26.0);
    EXPECT_EQ(history.since_reads, 0);
    EXPECT_EQ(history.count_reads, 0);
}

TEST(Serving, AdjustReadsTheObservationsNewerThanTheFit)
{
    // 15 observed at 1060 where the fit said 12: +3 on the path, 20 + 3 at 1120 + 60.
    const FakeHistory history(880, {8.0, 9.0, 10.0, 15.0});
    const AnchoredForecast fit = testing::example_anchored();
    ServingPolicy p = policy(ShiftBand::Adjust);
    p.shift.lead_seconds = 60;
    const auto served = serve(p, history, &fit, at(1060));
    ASSERT_TRUE(served.has_value());
    EXPECT_DOUBLE_EQ(served->value, 23.0);
    EXPECT_EQ(history.since_reads, 1);
}

TEST(Serving, ColdStartServesTheLatestValueWithFewerThanMinHistorySamples)
{
    const FakeHistory history(940, {9.0, 10.0});
    const auto served = serve(policy(), history, nullptr, at(1000));
    ASSERT_TRUE(served.has_value());
    EXPECT_EQ(served->state, ServingState::ColdStart);
    EXPECT_DOUBLE_EQ(served->value, 10.0);
    EXPECT_EQ(served->data_time_ms, at(1000));
}

TEST(Serving, NotFittedServesTheLatestValueWithoutAFitOrWithOneTooShort)
{
    const FakeHistory history = fitted_history();
    const auto unfitted = serve(policy(), history, nullptr, at(1000));
    ASSERT_TRUE(unfitted.has_value());
    EXPECT_EQ(unfitted->state, ServingState::NotFitted);
    EXPECT_DOUBLE_EQ(unfitted->value, 10.0);
    // The fit reaches 1240; at 1121 with lead 120 it would have to reach 1241.
    const AnchoredForecast fit = testing::example_anchored();
    const FakeHistory later(1000, {10.0, 11.0, 12.0});
    EXPECT_EQ(serve(policy(), later, &fit, at(1120))->state, ServingState::Forecast);
    // The forecast is read at the whole second `now` falls in.
    EXPECT_EQ(serve(policy(), later, &fit, at(1120) + 999)->state, ServingState::Forecast);
    const auto short_fit = serve(policy(), later, &fit, at(1121));
    ASSERT_TRUE(short_fit.has_value());
    EXPECT_EQ(short_fit->state, ServingState::NotFitted);
    EXPECT_DOUBLE_EQ(short_fit->value, 12.0);
}

TEST(Serving, StaleDataServesTheLatestValueAfterMaxStaleness)
{
    const FakeHistory history = fitted_history();
    const AnchoredForecast fit = testing::example_anchored();
    ServingPolicy p = policy();
    p.shift.lead_seconds = 0;
    EXPECT_EQ(serve(p, history, &fit, at(1000 + 240))->state, ServingState::Forecast);
    p.max_staleness_ms = 240'000;
    EXPECT_EQ(serve(p, history, &fit, at(1000 + 240))->state, ServingState::Forecast); // = limit
    const auto stale = serve(p, history, &fit, at(1000 + 240) + 1); // 1 ms past it
    ASSERT_TRUE(stale.has_value());
    EXPECT_EQ(stale->state, ServingState::Stale);
    EXPECT_DOUBLE_EQ(stale->value, 10.0);
    EXPECT_EQ(stale->data_time_ms, at(1000));
    EXPECT_EQ(serve(p, history, nullptr, at(1000 + 240) + 1)->state, ServingState::Stale);
    // A limit that is not whole seconds holds to the millisecond too.
    p.max_staleness_ms = 240'500;
    EXPECT_EQ(serve(p, history, &fit, at(1000) + 240'500)->state, ServingState::Forecast);
    EXPECT_EQ(serve(p, history, &fit, at(1000) + 240'501)->state, ServingState::Stale);
}

TEST(Serving, UnavailableWithoutDataOrAfterHardStaleness)
{
    const FakeHistory empty(0, {std::nan(""), std::nan("")});
    const auto none = serve(policy(), empty, nullptr, at(1000));
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().reason, Unserved::Reason::NoData);
    const FakeHistory history = fitted_history();
    const AnchoredForecast fit = testing::example_anchored();
    EXPECT_EQ(serve(policy(), history, &fit, at(1000 + 3600))->state, ServingState::Stale); // = limit
    const auto old = serve(policy(), history, &fit, at(1000 + 3600) + 1); // 1 ms past it
    ASSERT_FALSE(old.has_value());
    EXPECT_EQ(old.error().reason, Unserved::Reason::TooOld);
    EXPECT_EQ(old.error().age_ms, 3'600'001);
}

TEST(Serving, EveryStateIsClampedAtZeroAndTheFloor)
{
    AnchoredForecast negative = testing::example_anchored();
    negative.forecast.mean.setConstant(-5.0);
    const FakeHistory below(880, {-3.0, -2.0, -1.0});
    ServingPolicy p = policy();
    EXPECT_DOUBLE_EQ(serve(p, below, &negative, at(1000))->value, 0.0);  // forecast
    EXPECT_DOUBLE_EQ(serve(p, below, nullptr, at(1000))->value, 0.0);    // notFitted
    EXPECT_DOUBLE_EQ(serve(p, below, nullptr, at(1700))->value, 0.0);    // stale
    p.shift.floor = 3.0;
    EXPECT_DOUBLE_EQ(serve(p, below, &negative, at(1000))->value, 3.0);
    EXPECT_DOUBLE_EQ(serve(p, below, nullptr, at(1000))->value, 3.0);
    const FakeHistory history = fitted_history();
    const AnchoredForecast fit = testing::example_anchored();
    p.shift.floor = 25.0;
    EXPECT_DOUBLE_EQ(serve(p, history, &fit, at(1000))->value, 25.0); // 20 is below the floor
    p.shift.floor = 2.0;
    EXPECT_DOUBLE_EQ(serve(p, history, &fit, at(1000))->value, 20.0);
    EXPECT_DOUBLE_EQ(clamp_served({}, -1.0), 0.0);
    EXPECT_DOUBLE_EQ(clamp_served({.floor = 4.0}, 1.0), 4.0);
    EXPECT_DOUBLE_EQ(clamp_served({.floor = 4.0}, 7.5), 7.5);
}

TEST(Serving, AFitIsDueFirstThenAtTheNextAttempt)
{
    EXPECT_TRUE(fit_due(std::nullopt, 0));
    EXPECT_FALSE(fit_due(1300, 1299));
    EXPECT_TRUE(fit_due(1300, 1300));
}

/// Records the series it is fitted on; forecasts the horizon index (1, 2, ...) or fails.
class RecordingForecaster final : public Forecaster {
public:
    explicit RecordingForecaster(bool fail) : fail_(fail) {}

    std::expected<std::shared_ptr<const FittedModel>, ModelError> fit(const Series& series) const override
    {
        fitted.push_back(series);
        if (fail_) {
            return std::unexpected(ModelError{ModelError::Kind::NumericalFailure, "diverged"});
        }
        return std::make_shared<const testing::RampFit>();
    }

    mutable std::vector<Series> fitted;

private:
    bool fail_;
};

TEST(Serving, AFitAttemptWaitsForMinHistoryAndRetriesAStepLater)
{
    const RecordingForecaster forecaster(false);
    const FakeHistory history(940, {9.0, std::nan(""), 10.0});
    const FitAttempt attempt = attempt_fit(policy(), forecaster, history, 1060);
    EXPECT_EQ(attempt.outcome, FitAttempt::Outcome::TooShort);
    EXPECT_EQ(attempt.next_attempt, 1060 + 60);
    EXPECT_FALSE(attempt.model);
    EXPECT_TRUE(forecaster.fitted.empty());
}

TEST(Serving, AFailedFitIsRetriedAfterTheRefitInterval)
{
    const RecordingForecaster forecaster(true);
    const FitAttempt attempt = attempt_fit(policy(), forecaster, fitted_history(), 1000);
    EXPECT_EQ(attempt.outcome, FitAttempt::Outcome::Failed);
    EXPECT_EQ(attempt.error, "diverged");
    EXPECT_EQ(attempt.next_attempt, 1300);
    EXPECT_FALSE(attempt.model);
}

TEST(Serving, AFitSeesTheHistoryWindowUpToNowWithoutTrailingGaps)
{
    const RecordingForecaster forecaster(false);
    // Samples every 60 s from 0 to 1200; the last two are gaps, the one at 1200 is after now.
    std::vector<double> values;
    for (int i = 0; i <= 20; ++i) {
        values.push_back(static_cast<double>(i));
    }
    values[18] = values[19] = std::nan("");
    const FakeHistory history(0, values);
    const ServingPolicy p = policy(); // history 600 s
    const FitAttempt attempt = attempt_fit(p, forecaster, history, 1150);
    ASSERT_EQ(attempt.outcome, FitAttempt::Outcome::Fitted);
    ASSERT_EQ(forecaster.fitted.size(), 1U);
    const Series& window = forecaster.fitted.front();
    // (550, 1150] holds 600..1140; 1080 and 1140 are gaps: 600..1020.
    EXPECT_EQ(window.start, 600);
    EXPECT_EQ(window.size(), 8);
    EXPECT_DOUBLE_EQ(window.values[window.size() - 1], 17.0);
    EXPECT_EQ(attempt.next_attempt, 1150 + 300);
    ASSERT_TRUE(attempt.model);
    EXPECT_EQ(attempt.anchored.origin, 1020);
    EXPECT_DOUBLE_EQ(attempt.anchored.origin_value, 17.0);
    // Forecast through anchor_until: 1020 + 2 × 300 + 600 + 120 + 60 = 2400, 23 steps.
    EXPECT_EQ(anchor_until(p, 1020, 60), 2400);
    EXPECT_EQ(attempt.anchored.forecast.mean.size(), 23);
}

TEST(Serving, AFitServesUntilTheNextTwoRefitsAndMaxStalenessHavePassed)
{
    // The rule behind anchor_until: with the data as old as maxStaleness and one failed refit,
    // the forecast still reaches now + lead.
    const RecordingForecaster forecaster(false);
    const FakeHistory history = fitted_history();
    const ServingPolicy p = policy();
    const FitAttempt attempt = attempt_fit(p, forecaster, history, 1000);
    ASSERT_EQ(attempt.outcome, FitAttempt::Outcome::Fitted);
    // The newest sample 600 s (maxStaleness) before `until`.
    const FakeHistory old_data(1540, {11.0, 12.0});
    const std::int64_t until = 1000 + 2 * p.refit_seconds + p.max_staleness_ms / 1000;
    EXPECT_EQ(serve(p, old_data, &attempt.anchored, at(until))->state, ServingState::Forecast);
    EXPECT_EQ(attempt.anchored.origin, 1000);
}

TEST(Serving, StateNamesAreWireStable)
{
    EXPECT_STREQ(to_string(ServingState::Forecast), "forecast");
    EXPECT_STREQ(to_string(ServingState::ColdStart), "coldStart");
    EXPECT_STREQ(to_string(ServingState::NotFitted), "notFitted");
    EXPECT_STREQ(to_string(ServingState::Stale), "stale");
    EXPECT_STREQ(to_string(ServingState::Unavailable), "unavailable");
}

} // namespace
} // namespace ihpa::model
