#pragma once

#include "model/series.hpp"
#include "simulate/forecast_feed.hpp"
#include "simulate/lead_rule.hpp"

namespace ihpa::simulate {

/// A perfect forecast: the true load of the trace (linear interpolation, as the simulation
/// replays it) under the same lead time and rule as the predictive side. The ceiling of what
/// any forecaster can do with this HPA; it reads the future on purpose.
class OracleFeed final : public ForecastSource {
public:
    /// `trace` outlives the feed; `lead_seconds` >= 0.
    OracleFeed(const model::Series& trace, std::int64_t lead_seconds, LeadRule rule);

    /// The rule applied to the true load over [now, now + lead]; the band is the value itself.
    [[nodiscard]] ForecastReading read(std::int64_t now) override;

private:
    const model::Series& trace_;
    std::int64_t lead_seconds_;
    LeadRule rule_;
};

} // namespace ihpa::simulate
