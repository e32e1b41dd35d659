#pragma once

// The query language of the `kubernetesMetrics` source: which pods' usage to sum, read from
// the Kubernetes resource metrics API (`metrics.k8s.io/v1beta1`, served by metrics-server).
//
//   <resource> in <namespace> [where <label selector>] [container <name>]
//
// e.g. `cpu in shop where app=web,tier!=cache`, `memory in default`,
// `cpu in shop where app=web container nginx`. The resource is `cpu` (cores) or `memory`
// (bytes); the selector is a Kubernetes label selector (set-based forms allowed); `container`
// restricts the sum to one container per pod (what an HPA `ContainerResource` metric reads).

#include "apiserver/label_selector.hpp"

#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace ihpa::adapter::kubernetes_metrics {

/// The resource a query sums.
enum class Resource {
    Cpu,   ///< cores
    Memory ///< bytes
};

/// A parsed, validated query.
struct ResourceUsageQuery {
    Resource resource = Resource::Cpu;
    std::string namespace_name;              ///< a DNS-1123 label
    std::string selector;                    ///< as written (validated); empty: every pod
    std::optional<std::string> container;    ///< set: only that container of each pod

    /// The API path (with the `labelSelector` query parameter, percent-encoded) that lists the
    /// pods' metrics, e.g. `/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb`.
    [[nodiscard]] std::string list_path() const;
};

/// Parses a query; the error names what is wrong (an unknown resource, a missing or invalid
/// namespace, an invalid selector with the selector parser's reason, trailing words).
[[nodiscard]] std::expected<ResourceUsageQuery, std::string> parse_resource_usage_query(std::string_view text);

} // namespace ihpa::adapter::kubernetes_metrics
