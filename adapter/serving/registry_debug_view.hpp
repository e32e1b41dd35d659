#pragma once

#include "adapter/clock.hpp"
#include "adapter/serving/forecast_registry.hpp"
#include "apiserver/debug_view.hpp"

namespace ihpa::adapter {

/// The debug view of what the registry serves (`apiserver::DebugViewProvider`): for each entry a
/// metric read with the same namespace and selector would use, its history, the settings, the
/// serving state and the value served now, the published fit, the live accuracy, and a forecast
/// with its 10–90 % band over the horizon asked for; as JSON or as a standalone SVG chart.
///
/// The published fit keeps only the path serving needs (minutes ahead), not the model, so the
/// forecast over hours comes from a new fit on the current history, made for the view (the
/// model the next refit would publish; nothing is published). That fit runs on the request's
/// thread, a few milliseconds each, for at most `kMaxFits` entries per request; further entries
/// are shown without it.
class RegistryDebugView final : public apiserver::DebugViewProvider {
public:
    /// Entries per request that get a forecast over the horizon.
    static constexpr std::size_t kMaxFits = 10;
    /// History slots and forecast steps shown per entry, at most (the newest).
    static constexpr std::int64_t kMaxPoints = 20'160;

    /// `registry` and `clock` must outlive the provider.
    RegistryDebugView(const ForecastRegistry& registry, const Clock& clock);

    [[nodiscard]] std::expected<apiserver::DebugView, apiserver::ApiError>
    debug_view(std::string_view ns, const apiserver::LabelSelector& selector,
               const apiserver::ExternalMetricInfo& info,
               const apiserver::DebugViewRequest& request) const override;

private:
    const ForecastRegistry& registry_;
    const Clock& clock_;
};

} // namespace ihpa::adapter
