#pragma once

#include "model/series.hpp"
#include "model/time_shift.hpp"
#include "simulate/forecast_feed.hpp"

namespace ihpa::simulate {

/// A perfect forecast: the true load of the trace (linear between samples, as the simulation
/// replays it) under the same lead time and rule as the predictive side, evaluated by
/// `model::shifted_value` and clamped like a served value (`model::clamp_served`). The ceiling
/// of what any forecaster can do with this HPA; it reads the future on purpose.
class OracleFeed final : public ForecastSource {
public:
    /// `trace` outlives the feed; the band of `shift` is ignored (the truth has no band).
    OracleFeed(const model::Series& trace, model::TimeShift shift);

    /// The rule applied to the true load over [now, now + lead]; the band is the value itself.
    [[nodiscard]] ForecastReading read(std::int64_t now) override;

private:
    const model::Series& trace_;
    model::TimeShift shift_;
};

} // namespace ihpa::simulate
