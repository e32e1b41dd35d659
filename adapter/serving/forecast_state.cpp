#include "adapter/serving/forecast_state.hpp"

#include "common/duration.hpp"

#include <cmath>

namespace ihpa::adapter {
namespace {

/// Settled predictions the live score keeps: a day at 5-minute steps, almost five hours at
/// one-minute steps; small enough for ten thousand forecasts.
constexpr std::size_t kScoreWindow = 288;

std::string age_text(std::chrono::system_clock::duration age)
{
    return common::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(age));
}

} // namespace

const char* to_string(ServingState state)
{
    switch (state) {
    case ServingState::Forecast:
        return "forecast";
    case ServingState::ColdStart:
        return "coldStart";
    case ServingState::NotFitted:
        return "notFitted";
    case ServingState::Stale:
        return "stale";
    case ServingState::Unavailable:
        return "unavailable";
    }
    return "unknown";
}

ForecastState::ForecastState(ForecastConfig config, std::shared_ptr<StoredSeries> series,
                             std::unique_ptr<model::Forecaster> forecaster)
    : config_(std::move(config)), series_(std::move(series)), forecaster_(std::move(forecaster)),
      score_(kScoreWindow)
{
}

double ForecastState::clamp(double value) const
{
    value = std::max(value, 0.0);
    if (config_.settings.shift.floor) {
        value = std::max(value, *config_.settings.shift.floor);
    }
    return value;
}

std::expected<ServedValue, std::string>
ForecastState::serve(std::chrono::system_clock::time_point now) const
{
    const ForecastSettings& settings = config_.settings;
    const auto record = [this](std::optional<double> value, ServingState state) {
        const std::lock_guard lock(mutex_);
        last_served_ = value;
        last_state_ = state;
    };
    const auto latest = series_->latest();
    if (!latest) {
        record(std::nullopt, ServingState::Unavailable);
        return std::unexpected("no data has been received yet");
    }
    const auto age = now - latest->time;
    if (age > settings.hard_staleness) {
        record(std::nullopt, ServingState::Unavailable);
        return std::unexpected("the newest data is " + age_text(age) +
                               " old, older than hardStaleness " +
                               age_text(settings.hard_staleness));
    }
    const auto fallback = [&](ServingState state) {
        const double value = clamp(latest->value);
        record(value, state);
        return ServedValue{value, latest->time, state};
    };
    if (age > settings.max_staleness) {
        return fallback(ServingState::Stale);
    }
    const auto fit = fit_.load();
    if (!fit) {
        return fallback(series_->finite_count() < settings.min_history ? ServingState::ColdStart
                                                                       : ServingState::NotFitted);
    }
    const model::Series observed =
        series_->series(fit->anchored.origin + fit->anchored.step_seconds);
    const auto value =
        model::served_value(fit->anchored, observed, unix_seconds(now), settings.shift);
    if (!value) {
        return fallback(ServingState::NotFitted);
    }
    const double served = clamp(*value);
    record(served, ServingState::Forecast);
    return ServedValue{served, latest->time, ServingState::Forecast};
}

bool ForecastState::refit_due(std::chrono::system_clock::time_point now) const
{
    const std::lock_guard lock(mutex_);
    return !last_attempt_ || now >= *last_attempt_;
}

bool ForecastState::refit(std::chrono::system_clock::time_point now)
{
    const ForecastSettings& settings = config_.settings;
    const std::int64_t step = settings.step.count();
    const auto retry_at = [&](std::chrono::system_clock::duration wait, std::string error) {
        const std::lock_guard lock(mutex_);
        last_attempt_ = now + wait;
        last_fit_error_ = std::move(error);
    };
    if (series_->finite_count() < settings.min_history) {
        retry_at(settings.step, "fewer than minHistory samples");
        return false;
    }
    model::Series history = series_->series(unix_seconds(now) - settings.history.count() + step);
    Eigen::Index end = history.size();
    while (end > 0 && !std::isfinite(history.values[end - 1])) {
        --end;
    }
    history.values.conservativeResize(end);
    const auto fitted = forecaster_->fit(history);
    if (!fitted) {
        retry_at(settings.refit_interval, fitted.error().message);
        return false;
    }
    const std::int64_t until = history.time_at(history.size() - 1) +
                               2 * settings.refit_interval.count() +
                               settings.max_staleness.count() + settings.shift.lead_seconds + step;
    auto anchored = model::anchor_forecast(**fitted, history, until);
    if (!anchored) {
        retry_at(settings.refit_interval, anchored.error().message);
        return false;
    }
    fit_.store(std::make_shared<const FitResult>(
        FitResult{std::move(*anchored), (*fitted)->stats().description, now}));
    retry_at(settings.refit_interval, "");
    return true;
}

void ForecastState::score(std::chrono::system_clock::time_point now)
{
    (void)serve(now); // keeps the served value and state on /metrics current without requests
    const auto fit = fit_.load();
    const auto latest = series_->latest();
    const std::int64_t step = config_.settings.step.count();
    const std::int64_t lead = config_.settings.shift.lead_seconds;
    const std::int64_t slot = unix_seconds(now) / step * step;
    // The actuals the pending predictions wait for lie within the last lead (plus two steps).
    const model::Series recent = series_->series(slot - lead - 2 * step);
    const std::lock_guard lock(mutex_);
    if (fit && latest) {
        const model::AnchoredForecast& a = fit->anchored;
        const std::int64_t target = slot + (lead + step / 2) / step * step;
        const std::int64_t horizon = (target - a.origin) / a.step_seconds;
        if (horizon >= 1 && horizon <= a.forecast.mean.size()) {
            const auto h = static_cast<Eigen::Index>(horizon - 1);
            score_.predicted(target, a.forecast.mean[h], a.forecast.lower[h], a.forecast.upper[h],
                             latest->value);
        }
    }
    score_.settle(recent);
}

ForecastStatus ForecastState::status() const
{
    ForecastStatus status;
    status.latest = series_->latest();
    status.points = series_->finite_count();
    if (const auto fit = fit_.load()) {
        status.model = fit->description;
        status.last_fit = fit->fitted_at;
    }
    const std::lock_guard lock(mutex_);
    status.served = last_served_;
    status.state = last_state_;
    status.last_fit_error = last_fit_error_;
    status.rel_mae = score_.rel_mae();
    status.coverage = score_.coverage();
    status.scored = score_.settled();
    return status;
}

} // namespace ihpa::adapter
