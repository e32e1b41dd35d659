#pragma once

#include "adapter/source/metric_source.hpp"

#include <expected>
#include <functional>
#include <string>

namespace ihpa::adapter::kubernetes_metrics {

/// Reads one path of the Kubernetes API (e.g. `/apis/metrics.k8s.io/v1beta1/...`) and returns
/// the body of a 200 answer, or an error naming the status and the API's message. Blocking,
/// bounded by the client's own timeout.
using ApiGet = std::function<std::expected<std::string, std::string>(const std::string& path)>;

/// The `kubernetesMetrics` source: the summed CPU or memory usage of the pods a query selects
/// (resource_usage_query.hpp), from the resource metrics API. It only knows the present, so it
/// keeps no history: the pollers accumulate it. A selection that matches no pod (or pods
/// metrics-server has not measured yet) is an empty result, not an error.
class KubernetesMetricsSource final : public MetricSource {
public:
    explicit KubernetesMetricsSource(ApiGet get);

    [[nodiscard]] std::expected<std::vector<LabelledSample>, std::string>
    query(const std::string& query, std::chrono::system_clock::time_point now) override;

    [[nodiscard]] bool keeps_history() const override { return false; }

    /// Always empty: the resource metrics API has no past values.
    [[nodiscard]] std::expected<std::vector<LabelledRange>, std::string>
    query_range(const std::string& query, std::chrono::system_clock::time_point from,
                std::chrono::system_clock::time_point to, std::chrono::seconds step) override;

private:
    ApiGet get_;
};

} // namespace ihpa::adapter::kubernetes_metrics
