#pragma once

#include "model/forecaster.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace ihpa::model {

/// How the forecast path becomes one served value (design.md, "Time-shift rules").
enum class ShiftRule {
    Point,    ///< the value at now + lead
    WindowMax ///< the maximum over [now, now + lead]: scale up early, down late
};

/// Which path of the forecast the rule reads.
enum class ShiftBand {
    Yhat,  ///< the point forecast
    Upper, ///< the 90 % quantile
    Adjust ///< yhat shifted up by the latest observed forecast error, kept inside the band
};

/// The per-forecast time-shift settings, with design.md's defaults.
struct TimeShift {
    std::int64_t lead_seconds = 300;    ///< answer for now + lead; >= 0
    ShiftRule rule = ShiftRule::Point;  ///< point or windowMax
    ShiftBand band = ShiftBand::Yhat;   ///< yhat, upper or adjust
    std::optional<double> floor{};      ///< when set, the served value is never below it
    bool operator==(const TimeShift&) const = default;
};

/// A forecast anchored in time: horizon h (1-based) is the time `origin + h * step_seconds`,
/// and the path starts at `origin` with the last fitted observation `origin_value`.
struct AnchoredForecast {
    std::int64_t origin = 0;       ///< timestamp of the last point the model was fitted on
    std::int64_t step_seconds = 0; ///< the series step, > 0
    double origin_value = 0.0;     ///< the last fitted observation (horizon 0 of every path)
    Forecast forecast;             ///< horizons 1..size()
};

/// Parses "point" or "windowMax"; the error lists the accepted names.
[[nodiscard]] std::expected<ShiftRule, ModelError> parse_shift_rule(std::string_view name);

/// Parses "yhat", "upper" or "adjust"; the error lists the accepted names.
[[nodiscard]] std::expected<ShiftBand, ModelError> parse_shift_band(std::string_view name);

/// The configuration name of a rule ("point", "windowMax"), as `parse_shift_rule` reads it.
[[nodiscard]] const char* to_string(ShiftRule rule);

/// The configuration name of a band ("yhat", "upper", "adjust"), as `parse_shift_band` reads it.
[[nodiscard]] const char* to_string(ShiftBand band);

/// Fits nothing: forecasts `model` far enough to cover `until` and anchors it at the end of
/// `fitted` (the series the model was fitted on, whose last finite value is the path's start).
/// Fails with NotEnoughData when `fitted` has no finite value, InvalidSpec when its step is not
/// positive.
[[nodiscard]] std::expected<AnchoredForecast, ModelError>
anchor_forecast(const FittedModel& model, const Series& fitted, std::int64_t until);

/// The time-shifted forecast at `now` (design.md, "Time-shift rules"), before the serving
/// clamp (`model/serving`). The paths (mean, lower, upper) are piecewise linear between the
/// horizons, starting at `origin_value` at `origin`, so a lead that is not a multiple of the step
/// interpolates between steps and `WindowMax` takes the maximum at both ends of
/// [now, now + lead] and at every horizon inside. `Adjust` adds max(0, y - yhat) for the latest
/// finite observation y of `observed` newer than the origin (none: no shift), clipped to the
/// upper path; the other bands never read `observed`. `shift.floor` is not applied here.
/// Allocates nothing. Fails with InvalidSpec on a negative lead or a non-positive step, and with
/// NotEnoughData when the forecast does not reach now + lead.
[[nodiscard]] std::expected<double, ModelError>
shifted_value(const AnchoredForecast& anchored, const Series& observed, std::int64_t now,
              const TimeShift& shift);

/// The 10 % and 90 % paths of a forecast at one time.
struct BandValue {
    double lower = 0.0;
    double upper = 0.0;
};

/// The lower and upper paths at time `t` (piecewise linear like `shifted_value`), or
/// NotEnoughData when the forecast does not reach `t`. Allocates nothing.
[[nodiscard]] std::expected<BandValue, ModelError> band_at(const AnchoredForecast& anchored,
                                                           std::int64_t t);

} // namespace ihpa::model
