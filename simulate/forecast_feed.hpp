#pragma once

#include <cstdint>

namespace ihpa::simulate {

/// What the predictive HPA's forecast entry shows at one sync: the served value and, for the
/// plot, the 10 %/90 % band of the forecast it came from (both equal to `value` when the
/// source has no band).
struct ForecastReading {
    double value = 0.0; ///< the entry the HPA reads: a workload total, >= 0
    double lower = 0.0; ///< 10 % quantile at now + lead (plot only)
    double upper = 0.0; ///< 90 % quantile at now + lead (plot only)
};

/// Where the simulated HPA gets its forecast entry from. Injected, so tests can feed
/// hand-made forecasts; the real one runs `model/` on the trace, the oracle reads the future.
class ForecastSource {
public:
    virtual ~ForecastSource() = default;
    /// The entry at sync time `now`; calls come with strictly increasing `now`. A source that
    /// stands for a real forecaster uses no trace sample newer than `now`.
    [[nodiscard]] virtual ForecastReading read(std::int64_t now) = 0;
};

} // namespace ihpa::simulate
