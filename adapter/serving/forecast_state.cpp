#include "adapter/serving/forecast_state.hpp"

#include "adapter/serving/forecast_registry.hpp"
#include "common/duration.hpp"
#include "common/log.hpp"

#include <algorithm>

namespace ihpa::adapter {
namespace {

/// Settled predictions the live score keeps: a day at 5-minute steps, almost five hours at
/// one-minute steps; small enough for ten thousand forecasts.
constexpr std::size_t kScoreWindow = 288;

std::string age_text(std::chrono::system_clock::duration age)
{
    return common::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(age));
}

/// Unix milliseconds of `time` (rounded down).
std::int64_t unix_millis(std::chrono::system_clock::time_point time)
{
    return std::chrono::floor<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

model::ServingPolicy policy_of(const ForecastSettings& settings)
{
    model::ServingPolicy policy;
    policy.shift = settings.shift;
    policy.history_seconds = settings.history.count();
    policy.min_history = settings.min_history;
    policy.max_staleness_ms = std::chrono::milliseconds(settings.max_staleness).count();
    policy.hard_staleness_ms = std::chrono::milliseconds(settings.hard_staleness).count();
    policy.refit_seconds = settings.refit_interval.count();
    return policy;
}

/// A stored series as model/serving reads it. Each read takes the series' lock for its copy;
/// `latest` also keeps the exact sample it returned, whose time the response carries.
class StoredHistory final : public model::HistoryView {
public:
    explicit StoredHistory(const StoredSeries& series) : series_(series) {}

    [[nodiscard]] std::optional<model::Observation> latest() const override
    {
        latest_ = series_.latest();
        if (!latest_) {
            return std::nullopt;
        }
        return model::Observation{unix_millis(latest_->time), latest_->value};
    }
    [[nodiscard]] std::int64_t finite_samples() const override { return series_.finite_count(); }
    [[nodiscard]] std::int64_t step_seconds() const override { return series_.step_seconds(); }
    [[nodiscard]] model::Series since(std::int64_t from) const override
    {
        return series_.series(from);
    }
    /// The sample the last `latest()` returned.
    [[nodiscard]] const std::optional<Sample>& latest_sample() const { return latest_; }

private:
    const StoredSeries& series_;
    mutable std::optional<Sample> latest_;
};

} // namespace

ForecastState::ForecastState(ForecastConfig config, std::shared_ptr<StoredSeries> series,
                             std::unique_ptr<model::Forecaster> forecaster)
    : config_(std::move(config)), policy_(policy_of(config_.settings)), series_(std::move(series)),
      forecaster_(std::move(forecaster)), score_(kScoreWindow)
{
}

std::expected<ServedValue, std::string>
ForecastState::serve(std::chrono::system_clock::time_point now) const
{
    const StoredHistory history(*series_);
    const auto fit = fit_.load();
    const auto served =
        model::serve(policy_, history, fit ? &fit->anchored : nullptr, unix_millis(now));
    const ServingState state = served ? served->state : ServingState::Unavailable;
    std::optional<ServingState> changed_from;
    {
        const std::lock_guard lock(mutex_);
        last_served_ = served ? std::optional(served->value) : std::nullopt;
        if (served_before_ && state != last_state_) {
            changed_from = last_state_;
        }
        served_before_ = true;
        last_state_ = state;
    }
    if (changed_from) {
        log_state_change(*changed_from, state, history.latest_sample(), now);
    }
    if (!served) {
        if (served.error().reason == model::Unserved::Reason::NoData) {
            return std::unexpected("no data has been received yet");
        }
        return std::unexpected("the newest data is " +
                               age_text(now - history.latest_sample()->time) +
                               " old, older than hardStaleness " +
                               age_text(config_.settings.hard_staleness));
    }
    return ServedValue{served->value, history.latest_sample()->time, served->state};
}

void ForecastState::log_state_change(ServingState from, ServingState to,
                                     const std::optional<Sample>& latest,
                                     std::chrono::system_clock::time_point now) const
{
    const bool degraded = to == ServingState::Stale || to == ServingState::Unavailable;
    log::Line line(degraded ? log::Level::Warn : log::Level::Info, "forecast");
    line.stream() << forecast_id(config_) << ": " << model::to_string(from) << " -> "
                  << model::to_string(to);
    if (latest) {
        line.stream() << " (newest data " << age_text(now - latest->time) << " old)";
    }
}

bool ForecastState::refit_due(std::chrono::system_clock::time_point now) const
{
    const std::lock_guard lock(mutex_);
    return model::fit_due(next_attempt_, unix_seconds(now));
}

bool ForecastState::refit(std::chrono::system_clock::time_point now)
{
    const StoredHistory history(*series_);
    model::FitAttempt attempt = model::attempt_fit(policy_, *forecaster_, history, unix_seconds(now));
    const bool fitted = attempt.outcome == model::FitAttempt::Outcome::Fitted;
    if (fitted) {
        fit_.store(std::make_shared<const FitResult>(
            FitResult{std::move(attempt.anchored), attempt.model->stats().description, now,
                      attempt.model->stats().traffic_r2}));
    }
    const std::lock_guard lock(mutex_);
    next_attempt_ = attempt.next_attempt;
    last_fit_error_ = std::move(attempt.error);
    return fitted;
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
        status.traffic_r2 = fit->traffic_r2;
    }
    const std::lock_guard lock(mutex_);
    status.served = last_served_;
    status.state = last_state_;
    status.last_fit_error = last_fit_error_;
    status.rel_mae = score_.rel_mae();
    status.coverage = score_.coverage();
    status.scored = score_.settled();
    status.pending = score_.pending();
    return status;
}

ForecastInspection ForecastState::inspect(std::chrono::system_clock::time_point now,
                                          std::int64_t history_seconds, std::int64_t outlook_seconds,
                                          std::int64_t max_points) const
{
    auto served = serve(now); // first: the status then shows the state it leaves
    ForecastInspection out{status(), std::move(served), fit_.load(), {}, std::nullopt, {}};
    const std::int64_t step = series_->step_seconds();
    const std::int64_t t = unix_seconds(now);
    out.history = series_->series(t - std::min(history_seconds, max_points * step) + 1);
    if (outlook_seconds <= 0) {
        out.outlook_error = "no forecast was asked for";
        return out;
    }
    const StoredHistory history(*series_);
    model::FitAttempt attempt = model::attempt_fit(policy_, *forecaster_, history, t);
    if (attempt.outcome != model::FitAttempt::Outcome::Fitted) {
        out.outlook_error = std::move(attempt.error);
        return out;
    }
    const std::int64_t origin = attempt.anchored.origin;
    const std::int64_t steps = std::clamp<std::int64_t>((t + outlook_seconds - origin + step - 1) / step, 1, max_points);
    out.outlook = ForecastInspection::Outlook{
        {origin, step, attempt.anchored.origin_value, attempt.model->forecast(static_cast<Eigen::Index>(steps))},
        attempt.model->stats().description};
    return out;
}

} // namespace ihpa::adapter
