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
/// A forecast without any observation yet is left out of status() (the reconciler says
/// Pending) for its first poll's grace period, two poll intervals of its source plus 10 s: a new
/// IHPA is not reported as missing a forecast before its source could have answered once.
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
    /// True while forecast `id`, read from `source`, has no observation and is within its
    /// first poll's grace period (which starts the first time this is asked).
    [[nodiscard]] bool awaiting_first_poll(const std::string& id, const std::string& source,
                                           const adapter::ForecastStatus& figures,
                                           std::chrono::system_clock::time_point now) const;

    adapter::Adapter& adapter_;
    std::string resource_metrics_source_;
    mutable std::mutex mutex_;
    std::map<std::string, std::vector<DesiredForecast>> registered_; ///< by IHPA key
    std::map<std::string, std::string> problems_; ///< by forecast id: why registering failed
    /// By forecast id: when status() first saw it registered without any observation; until
    /// its source has had time for a first poll it is reported as not yet known (Pending).
    mutable std::map<std::string, std::chrono::system_clock::time_point> waiting_since_;
};

} // namespace ihpa::controller
