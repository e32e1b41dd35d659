#pragma once

#include "adapter/clock.hpp"
#include "adapter/serving/forecast_registry.hpp"
#include "apiserver/provider.hpp"

namespace ihpa::adapter {

/// Whether a read of a metric in `ns` with `selector` reaches `entry` of that metric.
[[nodiscard]] bool reaches(const ServingEntry& entry, std::string_view ns, const apiserver::LabelSelector& selector);

/// Serves what the registry holds: forecasts under design.md's time-shift, cold-start and
/// staleness rules, and pass-through metrics as their latest polled value. A request reads the
/// published table, the history and the published fits: memory only, no I/O.
class ForecastingProvider final : public apiserver::ExternalMetricsProvider {
public:
    /// `registry` and `clock` must outlive the provider.
    ForecastingProvider(const ForecastRegistry& registry, const Clock& clock);

    /// 404 when the metric is unknown or no entry matches the namespace and selector; 503 when
    /// every matching entry is unavailable (no data yet, a forecast's data older than
    /// hardStaleness, a pass-through value older than its maximum age), naming why.
    [[nodiscard]] std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
    get_external_metric(std::string_view ns, const apiserver::LabelSelector& selector,
                        const apiserver::ExternalMetricInfo& info) const override;

    [[nodiscard]] std::vector<apiserver::ExternalMetricInfo> list_external_metrics() const override;

private:
    const ForecastRegistry& registry_;
    const Clock& clock_;
};

} // namespace ihpa::adapter
