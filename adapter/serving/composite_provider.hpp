#pragma once

#include "apiserver/provider.hpp"

#include <atomic>
#include <memory>
#include <vector>

namespace ihpa::adapter {

/// Serves several providers as one (a cluster has a single external metrics server): a request
/// goes to each provider in order until one answers anything but 404; when all answer 404, the
/// first 404 is returned. The listing is the union of the providers' listings, sorted and
/// without duplicates. The providers are shared and may be replaced as a whole (hot reload)
/// while requests run.
class CompositeProvider final : public apiserver::ExternalMetricsProvider {
public:
    using Providers = std::vector<std::shared_ptr<const apiserver::ExternalMetricsProvider>>;

    explicit CompositeProvider(Providers providers);

    /// Replaces the providers atomically.
    void set(Providers providers);

    [[nodiscard]] std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
    get_external_metric(std::string_view ns, const apiserver::LabelSelector& selector,
                        const apiserver::ExternalMetricInfo& info) const override;

    [[nodiscard]] std::vector<apiserver::ExternalMetricInfo> list_external_metrics() const override;

private:
    std::atomic<std::shared_ptr<const Providers>> providers_;
};

} // namespace ihpa::adapter
