#pragma once

#include "adapter/adapter.hpp"
#include "controller/forecast_backend.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ihpa::controller {

/// The adapter's serving form of a desired forecast: an `ihpa-forecast` entry of the IHPA's
/// namespace with the same series and settings.
[[nodiscard]] adapter::ForecastConfig to_forecast_config(const DesiredForecast& forecast);

/// The ForecastBackend of `ihpa serve`: the in-process adapter's forecast registry and
/// configuration. Resource metrics are derived from `resource_metrics_source` when it is set.
class AdapterForecastBackend final : public ForecastBackend {
public:
    /// `adapter` must outlive the backend.
    AdapterForecastBackend(adapter::Adapter& adapter, std::string resource_metrics_source);

    void apply(const std::string& ihpa_key, const std::vector<DesiredForecast>& forecasts) override;
    [[nodiscard]] std::map<std::string, ForecastStatus>
    status(const std::vector<DesiredForecast>& forecasts, std::chrono::system_clock::time_point now) const override;
    [[nodiscard]] SourceCatalog catalog() const override;

    /// How many forecasts are registered for IHPAs.
    [[nodiscard]] std::size_t registered() const;

private:
    adapter::Adapter& adapter_;
    std::string resource_metrics_source_;
    mutable std::mutex mutex_;
    std::map<std::string, std::vector<DesiredForecast>> registered_; ///< by IHPA key
    std::map<std::string, std::string> problems_; ///< by forecast id: why registering failed
};

} // namespace ihpa::controller
