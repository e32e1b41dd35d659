#pragma once

#include "apiserver/api_error.hpp"
#include "apiserver/label_selector.hpp"
#include "apiserver/provider.hpp"

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

namespace ihpa::apiserver {

/// What a request of the debug view asks for.
struct DebugViewRequest {
    enum class Format {
        Json, ///< application/json
        Svg   ///< image/svg+xml: a standalone chart
    };
    Format format = Format::Json;
    std::chrono::seconds history{std::chrono::hours(24)}; ///< how much history to show, > 0
    std::chrono::seconds horizon{std::chrono::hours(6)};  ///< how far to forecast, > 0
};

/// A rendered view: the body and its media type.
struct DebugView {
    std::string content_type;
    std::string body;
};

/// The seam of the route `GET /apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>/debug`:
/// a view for people of what a metric read of `<metric>` with the same namespace and selector
/// would serve, and why (history, model, forecast, accuracy, serving state). Called
/// concurrently from the server's threads; memory only, like `ExternalMetricsProvider`.
class DebugViewProvider {
public:
    virtual ~DebugViewProvider() = default;

    /// The view of the entries of `info.metric` in `ns` matching `selector`: 404 (`metric_not_found`)
    /// when there are none.
    [[nodiscard]] virtual std::expected<DebugView, ApiError>
    debug_view(std::string_view ns, const LabelSelector& selector, const ExternalMetricInfo& info,
               const DebugViewRequest& request) const = 0;
};

} // namespace ihpa::apiserver
