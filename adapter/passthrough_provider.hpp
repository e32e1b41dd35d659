#pragma once

#include "adapter/clock.hpp"
#include "adapter/source/latest_value_source.hpp"
#include "apiserver/provider.hpp"

#include <map>
#include <memory>
#include <string>

namespace ihpa::adapter {

/// Serves configured metrics as their sources' latest values, in every namespace: the
/// pass-through half of the adapter. A request only reads memory.
class PassthroughProvider final : public apiserver::ExternalMetricsProvider {
public:
    /// A metric as served: its source and the labels of its single item.
    struct Entry {
        std::shared_ptr<const LatestValueSource> source;
        std::map<std::string, std::string> labels;
    };

    /// `metrics` is keyed by lowercase metric name; `clock` must outlive the provider.
    PassthroughProvider(std::map<std::string, Entry> metrics, const Clock& clock);

    /// 404 when the metric is unknown or the selector does not match its labels; 503 when its
    /// source has no value yet.
    [[nodiscard]] std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
    get_external_metric(std::string_view ns, const apiserver::LabelSelector& selector,
                        const apiserver::ExternalMetricInfo& info) const override;

    [[nodiscard]] std::vector<apiserver::ExternalMetricInfo> list_external_metrics() const override;

private:
    std::map<std::string, Entry, std::less<>> metrics_;
    std::vector<apiserver::ExternalMetricInfo> listing_;
    const Clock& clock_;
};

} // namespace ihpa::adapter
