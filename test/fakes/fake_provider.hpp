#pragma once

#include "apiserver/provider.hpp"

#include <map>
#include <string>
#include <vector>

namespace ihpa::test {

/// An ExternalMetricsProvider driven by data: `metrics` maps a metric name to its items (the
/// selector filters them by their labels); `errors` maps a name to the error it answers.
class FakeProvider final : public apiserver::ExternalMetricsProvider {
public:
    std::map<std::string, std::vector<apiserver::ExternalMetricValue>> metrics;
    std::map<std::string, apiserver::ApiError> errors;

    [[nodiscard]] std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
    get_external_metric(std::string_view ns, const apiserver::LabelSelector& selector,
                        const apiserver::ExternalMetricInfo& info) const override
    {
        if (const auto it = errors.find(info.metric); it != errors.end()) {
            return std::unexpected(it->second);
        }
        const auto it = metrics.find(info.metric);
        if (it == metrics.end()) {
            return std::unexpected(apiserver::metric_not_found(info.metric, ns));
        }
        std::vector<apiserver::ExternalMetricValue> matching;
        for (const auto& item : it->second) {
            if (selector.matches(item.metric_labels)) {
                matching.push_back(item);
            }
        }
        return matching;
    }

    [[nodiscard]] std::vector<apiserver::ExternalMetricInfo> list_external_metrics() const override
    {
        std::vector<apiserver::ExternalMetricInfo> out;
        for (const auto& [name, items] : metrics) {
            out.push_back({name});
        }
        return out;
    }
};

} // namespace ihpa::test
