#pragma once

#include "adapter/config/config.hpp"
#include "adapter/history/history_store.hpp"
#include "adapter/history/live_score.hpp"
#include "model/forecaster.hpp"
#include "model/serving.hpp"
#include "model/time_shift.hpp"

#include <atomic>
#include <chrono>
#include <expected>
#include <memory>
#include <mutex>
#include <string>

namespace ihpa::adapter {

/// Which of design.md's rules produced a served value (model/serving).
using model::ServingState;
using model::to_string;

/// A value ready to serve.
struct ServedValue {
    double value = 0.0;
    std::chrono::system_clock::time_point data_time; ///< the newest observation it used
    ServingState state = ServingState::Forecast;
};

/// A model fitted on a series, anchored in time, as the request path reads it.
struct FitResult {
    model::AnchoredForecast anchored;
    std::string description; ///< model and parameters
    std::chrono::system_clock::time_point fitted_at;
    std::optional<double> traffic_r2; ///< a traffic-driven forecast's held-out R² (FitStats)
};

/// What `/metrics` shows of a forecast.
struct ForecastStatus {
    std::optional<Sample> latest;
    std::int64_t points = 0;      ///< finite values in the history window
    std::optional<double> served; ///< the last value served (requests or scoring)
    ServingState state = ServingState::Unavailable;
    std::string model;            ///< description of the model in use, empty before a fit
    std::optional<std::chrono::system_clock::time_point> last_fit;
    std::string last_fit_error;
    std::optional<double> rel_mae;
    std::optional<double> coverage;
    std::optional<double> traffic_r2; ///< of the model in use, for a traffic-driven forecast
    std::size_t scored = 0;
    std::size_t pending = 0;      ///< predictions waiting for their actual
};

/// A forecast as the debug view shows it, read at one time.
struct ForecastInspection {
    ForecastStatus status;
    std::expected<ServedValue, std::string> served; ///< what a request gets now, or why nothing
    std::shared_ptr<const FitResult> fit;           ///< the published fit, null before one
    model::Series history;                          ///< the slots asked for, NaN for gaps
    /// A fit made for the inspection on the history as it is now, forecast over the horizon
    /// asked for (the published fit keeps only the path serving needs, not the model).
    struct Outlook {
        model::AnchoredForecast path;
        std::string description;
    };
    std::optional<Outlook> outlook;
    std::string outlook_error; ///< why there is no outlook (none asked for, too short, failed)
};

/// One configured forecast: its settings, its history, its current fitted model and its live
/// score. The policy (cold start, staleness, refit cadence, fit window, anchoring, clamp) is
/// model/serving's; this class adds the locking and the atomically published fit. The fitter
/// thread refits and scores; request threads call `serve` concurrently, which reads the latest
/// observation and the published fit (and the recent history only for band adjust).
class ForecastState {
public:
    /// `forecaster` is built from `config.settings.model`.
    ForecastState(ForecastConfig config, std::shared_ptr<StoredSeries> series,
                  std::unique_ptr<model::Forecaster> forecaster);

    [[nodiscard]] const ForecastConfig& config() const { return config_; }
    [[nodiscard]] const std::shared_ptr<StoredSeries>& series() const { return series_; }

    /// The value to serve at `now` (model::serve), or why nothing can be served (no data at
    /// all, or data older than hardStaleness). Allocates nothing when a value is served with
    /// band yhat or upper, but for the log line when the serving state changed.
    [[nodiscard]] std::expected<ServedValue, std::string>
    serve(std::chrono::system_clock::time_point now) const;

    /// Whether a fit attempt is due at `now` (model::fit_due).
    [[nodiscard]] bool refit_due(std::chrono::system_clock::time_point now) const;

    /// One fit attempt (model::attempt_fit); publishes the model when it fits (true). Skipped
    /// (false) while there are fewer than minHistory samples; a failed fit keeps the previous
    /// model and records the error.
    bool refit(std::chrono::system_clock::time_point now);

    /// Live backtest step: refreshes the served value and state as a request would, records the
    /// forecast for now + lead (once per step) and settles the predictions whose actual has
    /// arrived.
    void score(std::chrono::system_clock::time_point now);

    [[nodiscard]] ForecastStatus status() const;

    /// The state at `now` for the debug view: the status, the value served now (as `serve`),
    /// the published fit, the history since `now - history_seconds` and, when `outlook_seconds`
    /// is positive, a new fit on the current history forecast until `now + outlook_seconds`
    /// (one fit's cost, on the caller's thread; nothing is published). At most `max_points`
    /// history slots (the newest) and forecast steps are returned.
    [[nodiscard]] ForecastInspection inspect(std::chrono::system_clock::time_point now,
                                             std::int64_t history_seconds, std::int64_t outlook_seconds,
                                             std::int64_t max_points) const;

private:
    /// Logs a change of the serving state (warn when it becomes stale or unavailable).
    void log_state_change(ServingState from, ServingState to, const std::optional<Sample>& latest,
                          std::chrono::system_clock::time_point now) const;

    ForecastConfig config_;
    model::ServingPolicy policy_; ///< `config_.settings` in model/serving's terms
    std::shared_ptr<StoredSeries> series_;
    std::unique_ptr<model::Forecaster> forecaster_;
    std::atomic<std::shared_ptr<const FitResult>> fit_;

    mutable std::mutex mutex_; ///< guards the fields below
    std::optional<std::int64_t> next_attempt_; ///< unix seconds, empty before the first attempt
    std::string last_fit_error_;
    mutable std::optional<double> last_served_;
    mutable ServingState last_state_ = ServingState::Unavailable;
    mutable bool served_before_ = false; ///< the first state is not a change worth a log line
    LiveScore score_;
};

} // namespace ihpa::adapter
