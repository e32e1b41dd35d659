#pragma once

#include "model/forecaster.hpp"
#include "model/series.hpp"
#include "model/time_shift.hpp"

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>

namespace ihpa::model {

// The serving policy of design.md ("Cold start, gaps, staleness" and "Time-shift rules"),
// written once: `ihpa serve` (adapter/serving/forecast_state) and `ihpa simulate`
// (simulate/forecast_feed) both call these functions. Times are unix seconds, except the ages
// of observations, which are measured in unix milliseconds so that the staleness limits hold
// to the millisecond.

/// Which rule of the policy produced a served value.
enum class ServingState {
    Forecast,   ///< the fitted model, time-shifted
    ColdStart,  ///< fewer than minHistory samples: the latest observed value
    NotFitted,  ///< no model yet, or none that reaches now + lead: the latest observed value
    Stale,      ///< data older than maxStaleness: the latest observed value
    Unavailable ///< no data, or data older than hardStaleness: nothing is served
};

/// The wire-stable name of a state (`/metrics` label values, logs).
[[nodiscard]] const char* to_string(ServingState state);

/// The settings of the policy for one forecast, with design.md's defaults.
struct ServingPolicy {
    TimeShift shift{300, ShiftRule::WindowMax, ShiftBand::Upper, std::nullopt};
    std::int64_t history_seconds = 14 * 86400; ///< a fit sees the samples of this window, > 0
    std::int64_t min_history = 30;             ///< finite samples before a fit, >= 1
    std::int64_t max_staleness_ms = 600'000;    ///< forecasts while the data is this fresh
    std::int64_t hard_staleness_ms = 3'600'000; ///< then the latest value; after it nothing
    std::int64_t refit_seconds = 300;          ///< time between fit attempts, > 0
    bool operator==(const ServingPolicy&) const = default;
};

/// One observation of the series.
struct Observation {
    std::int64_t time_ms = 0; ///< when it was observed, unix milliseconds
    double value = 0.0;       ///< finite
};

/// What the policy reads of a series' history. The policy reads only what its decision needs:
/// the serving path for band yhat or upper reads `latest` alone (and `finite_samples` when
/// there is no fit), so an implementation may compute the other parts on demand.
class HistoryView {
public:
    virtual ~HistoryView() = default;
    /// The newest finite observation, if any.
    [[nodiscard]] virtual std::optional<Observation> latest() const = 0;
    /// Finite samples in the history window.
    [[nodiscard]] virtual std::int64_t finite_samples() const = 0;
    /// The series step, > 0.
    [[nodiscard]] virtual std::int64_t step_seconds() const = 0;
    /// The slots from time `from` (inclusive) to the newest one, NaN for gaps.
    [[nodiscard]] virtual Series since(std::int64_t from) const = 0;
};

/// A value to serve.
struct Served {
    double value = 0.0;         ///< >= 0 and >= the floor
    std::int64_t data_time_ms = 0; ///< the time of the newest observation, unix milliseconds
    ServingState state = ServingState::Forecast;
};

/// Why nothing can be served.
struct Unserved {
    enum class Reason {
        NoData, ///< nothing has been observed yet
        TooOld  ///< the newest observation is older than hardStaleness
    };
    Reason reason = Reason::NoData;
    std::int64_t age_ms = 0; ///< age of the newest observation (TooOld), milliseconds
};

/// The value to serve at `now_ms` (unix milliseconds; the forecast is read at the whole second
/// it falls in): with data older than hardStaleness (or none) nothing; older
/// than maxStaleness the latest value (Stale); without `fit` the latest value (ColdStart with
/// fewer than minHistory finite samples, else NotFitted); with a fit that does not reach
/// now + lead the latest value (NotFitted); otherwise the time-shifted forecast (Forecast).
/// Every value goes through `clamp_served`. Allocates nothing unless the band is adjust (which
/// reads the observations newer than the fit's origin).
[[nodiscard]] std::expected<Served, Unserved> serve(const ServingPolicy& policy,
                                                    const HistoryView& history,
                                                    const AnchoredForecast* fit,
                                                    std::int64_t now_ms);

/// The final clamp of every served value: at least 0 and at least `shift.floor` when set.
[[nodiscard]] double clamp_served(const TimeShift& shift, double value);

/// Whether a fit attempt is due at `now`: never attempted (`next_attempt` empty), or its time
/// has come.
[[nodiscard]] bool fit_due(std::optional<std::int64_t> next_attempt, std::int64_t now);

/// The outcome of one fit attempt.
struct FitAttempt {
    enum class Outcome {
        TooShort, ///< fewer than minHistory finite samples: retried one step later
        Failed,   ///< the model refused the history: retried after refitSeconds
        Fitted    ///< `model` and `anchored` are set: refitted after refitSeconds
    };
    Outcome outcome = Outcome::TooShort;
    std::shared_ptr<const FittedModel> model;
    AnchoredForecast anchored; ///< the model's forecast, long enough until the next fit is due
    std::string error;         ///< why there is no model (TooShort, Failed)
    std::int64_t next_attempt = 0;
};

/// One fit attempt at `now`: fits `forecaster` on the samples of (now - history, now] with
/// trailing gaps trimmed, and anchors the forecast far enough (`anchor_until`).
[[nodiscard]] FitAttempt attempt_fit(const ServingPolicy& policy, const Forecaster& forecaster,
                                     const HistoryView& history, std::int64_t now);

/// How far a fit on a series ending at `origin` with step `step_seconds` is forecast: through
/// the next two refits, maxStaleness (rounded up to a whole second) and the lead, plus a step,
/// so the forecast still reaches
/// now + lead when one refit fails or the data is as old as maxStaleness allows.
[[nodiscard]] std::int64_t anchor_until(const ServingPolicy& policy, std::int64_t origin,
                                        std::int64_t step_seconds);

} // namespace ihpa::model
