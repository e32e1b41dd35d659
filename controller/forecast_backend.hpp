#pragma once

#include "controller/forecast_plan.hpp"
#include "controller/reconciler.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace ihpa::controller {

/// What the controller needs of the adapter it runs beside: which series to forecast for each
/// IHPA, how those forecasts are doing, and which sources there are to derive series from.
/// Thread-safe: workers call it concurrently for different IHPAs.
class ForecastBackend {
public:
    virtual ~ForecastBackend() = default;

    /// Makes `forecasts` the forecasts of the IHPA `ihpa_key` ("namespace/name"): registers
    /// those that are new or changed, keeps unchanged ones (and their fitted models), removes
    /// the ones it no longer has. An empty list removes them all (the IHPA is gone).
    virtual void apply(const std::string& ihpa_key, const std::vector<DesiredForecast>& forecasts) = 0;
    /// How each of `forecasts` is served at `now`, by metric key.
    [[nodiscard]] virtual std::map<std::string, ForecastStatus>
    status(const std::vector<DesiredForecast>& forecasts, std::chrono::system_clock::time_point now) const = 0;
    /// The adapter's sources and pass-through metrics now.
    [[nodiscard]] virtual SourceCatalog catalog() const = 0;
};

} // namespace ihpa::controller
