#pragma once

#include "apiserver/api_error.hpp"
#include "apiserver/label_selector.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::apiserver {

/// Identifies the external metric a request names: the path segment, lowercased once by the
/// router (clients lowercase it too), so providers compare names as they are.
struct ExternalMetricInfo {
    std::string metric;
};

/// One item of an `ExternalMetricValueList` (k8s.io/metrics external_metrics/v1beta1).
struct ExternalMetricValue {
    std::string metric_name;
    std::map<std::string, std::string> metric_labels;
    /// When the value was observed or computed (never the forecast's target time).
    std::chrono::system_clock::time_point timestamp;
    /// Seconds of data the value summarises, if meaningful.
    std::optional<std::int64_t> window_seconds;
    /// The value; rendered as a canonical milli-precision Quantity.
    double value = 0.0;
};

/// The seam between the HTTP layer and whatever knows metric values (the custom-metrics-apiserver
/// `ExternalMetricsProvider` contract). Implementations are called concurrently from the server's
/// threads and must not do network I/O: answer from memory.
class ExternalMetricsProvider {
public:
    virtual ~ExternalMetricsProvider() = default;

    /// Values of `info.metric` in namespace `ns` whose labels match `selector`. The metric name
    /// compares case-insensitively. An unknown metric or a selector matching nothing is a 404
    /// (`metric_not_found`); a configured metric that cannot be served now is a 503; other
    /// failures are 500 with a generic message. A success always holds at least one item.
    [[nodiscard]] virtual std::expected<std::vector<ExternalMetricValue>, ApiError>
    get_external_metric(std::string_view ns, const LabelSelector& selector,
                        const ExternalMetricInfo& info) const = 0;

    /// The metrics this provider can serve, from a cache: this call cannot fail.
    [[nodiscard]] virtual std::vector<ExternalMetricInfo> list_external_metrics() const = 0;
};

} // namespace ihpa::apiserver
