#pragma once

// The answer of the resource metrics API's pod list (`metrics.k8s.io/v1beta1` PodMetricsList):
//   {"kind": "PodMetricsList", "items": [{"metadata": {"name": ..., "namespace": ...},
//     "timestamp": ..., "window": ..., "containers": [{"name": ..., "usage": {"cpu": "12m",
//     "memory": "34Mi"}}]}]}
// Usage values are Kubernetes quantities. Nothing here throws: malformed input is an error
// value naming what was wrong.

#include "adapter/source/kubernetes_metrics/resource_usage_query.hpp"

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace ihpa::adapter::kubernetes_metrics {

/// The usage of the pods one list answer holds.
struct UsageSum {
    double total = 0.0;     ///< cores or bytes, summed over the pods (and their containers)
    std::size_t pods = 0;   ///< pods that contributed a value
};

/// Sums `query`'s resource over the items of a PodMetricsList `body`: every container of every
/// pod, or only the container `query.container` names (pods without it contribute nothing).
/// A pod whose containers report no value for the resource is not counted. Errors: a body that
/// is not JSON, not a PodMetricsList, or holds a usage that is not a quantity (the error names
/// the pod and container).
[[nodiscard]] std::expected<UsageSum, std::string> sum_pod_usage(std::string_view body,
                                                                 const ResourceUsageQuery& query);

} // namespace ihpa::adapter::kubernetes_metrics
