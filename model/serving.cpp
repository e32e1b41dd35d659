#include "model/serving.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::model {
namespace {

/// The whole unix second `ms` (unix milliseconds) falls in.
std::int64_t second_of(std::int64_t ms)
{
    return ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
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

double clamp_served(const TimeShift& shift, double value)
{
    value = std::max(value, 0.0);
    return shift.floor ? std::max(value, *shift.floor) : value;
}

std::expected<Served, Unserved> serve(const ServingPolicy& policy, const HistoryView& history,
                                      const AnchoredForecast* fit, std::int64_t now_ms)
{
    const std::optional<Observation> latest = history.latest();
    if (!latest) {
        return std::unexpected(Unserved{Unserved::Reason::NoData, 0});
    }
    const std::int64_t age = now_ms - latest->time_ms;
    if (age > policy.hard_staleness_ms) {
        return std::unexpected(Unserved{Unserved::Reason::TooOld, age});
    }
    const auto served = [&](double value, ServingState state) {
        return Served{clamp_served(policy.shift, value), latest->time_ms, state};
    };
    if (age > policy.max_staleness_ms) {
        return served(latest->value, ServingState::Stale);
    }
    if (!fit) {
        return served(latest->value, history.finite_samples() < policy.min_history
                                         ? ServingState::ColdStart
                                         : ServingState::NotFitted);
    }
    const std::int64_t now = second_of(now_ms);
    const auto value =
        policy.shift.band == ShiftBand::Adjust
            ? shifted_value(*fit, history.since(fit->origin + fit->step_seconds), now, policy.shift)
            : shifted_value(*fit, Series{}, now, policy.shift);
    if (!value) {
        return served(latest->value, ServingState::NotFitted);
    }
    return served(*value, ServingState::Forecast);
}

bool fit_due(std::optional<std::int64_t> next_attempt, std::int64_t now)
{
    return !next_attempt || now >= *next_attempt;
}

std::int64_t anchor_until(const ServingPolicy& policy, std::int64_t origin,
                          std::int64_t step_seconds)
{
    return origin + 2 * policy.refit_seconds + (policy.max_staleness_ms + 999) / 1000 +
           policy.shift.lead_seconds + step_seconds;
}

FitAttempt attempt_fit(const ServingPolicy& policy, const Forecaster& forecaster,
                       const HistoryView& history, std::int64_t now)
{
    FitAttempt attempt;
    attempt.next_attempt = now + policy.refit_seconds;
    const auto refused = [&](FitAttempt::Outcome outcome, std::string error) {
        attempt.outcome = outcome;
        attempt.error = std::move(error);
        return attempt;
    };
    if (history.finite_samples() < policy.min_history) {
        attempt.next_attempt = now + history.step_seconds();
        return refused(FitAttempt::Outcome::TooShort, "fewer than minHistory samples");
    }
    Series window = history.since(now - policy.history_seconds + 1);
    Eigen::Index end = window.size();
    while (end > 0 && (window.time_at(end - 1) > now || !std::isfinite(window.values[end - 1]))) {
        --end;
    }
    window.values.conservativeResize(end);
    auto fitted = forecaster.fit(window);
    if (!fitted) {
        return refused(FitAttempt::Outcome::Failed, std::move(fitted.error().message));
    }
    const std::int64_t origin = window.time_at(window.size() - 1);
    auto anchored = anchor_forecast(**fitted, window, anchor_until(policy, origin, window.step_seconds));
    if (!anchored) {
        return refused(FitAttempt::Outcome::Failed, std::move(anchored.error().message));
    }
    attempt.outcome = FitAttempt::Outcome::Fitted;
    attempt.model = std::move(*fitted);
    attempt.anchored = std::move(*anchored);
    return attempt;
}

} // namespace ihpa::model
