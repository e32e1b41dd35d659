#include "adapter/source/kubernetes_metrics/kubernetes_metrics_source.hpp"

#include "adapter/source/kubernetes_metrics/pod_metrics.hpp"
#include "adapter/source/kubernetes_metrics/resource_usage_query.hpp"

namespace ihpa::adapter::kubernetes_metrics {

KubernetesMetricsSource::KubernetesMetricsSource(ApiGet get) : get_(std::move(get)) {}

std::expected<std::vector<LabelledSample>, std::string>
KubernetesMetricsSource::query(const std::string& text, std::chrono::system_clock::time_point now)
{
    const auto parsed = parse_resource_usage_query(text);
    if (!parsed) {
        return std::unexpected("kubernetesMetrics: " + parsed.error());
    }
    const auto body = get_(parsed->list_path());
    if (!body) {
        return std::unexpected("kubernetesMetrics: " + body.error());
    }
    const auto sum = sum_pod_usage(*body, *parsed);
    if (!sum) {
        return std::unexpected("kubernetesMetrics: " + parsed->list_path() + ": " + sum.error());
    }
    if (sum->pods == 0) {
        return std::vector<LabelledSample>{};
    }
    Labels labels{{"namespace", parsed->namespace_name}};
    return std::vector<LabelledSample>{LabelledSample{std::move(labels), Sample{now, sum->total}}};
}

std::expected<std::vector<LabelledRange>, std::string>
KubernetesMetricsSource::query_range(const std::string& /*query*/, std::chrono::system_clock::time_point /*from*/,
                                     std::chrono::system_clock::time_point /*to*/, std::chrono::seconds /*step*/)
{
    return std::vector<LabelledRange>{};
}

} // namespace ihpa::adapter::kubernetes_metrics
