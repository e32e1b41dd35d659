#pragma once

#include "apiserver/api_error.hpp"
#include "apiserver/authn.hpp"
#include "apiserver/debug_view.hpp"
#include "apiserver/provider.hpp"
#include "apiserver/server_metrics.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::apiserver {

/// A parsed HTTP request, as much of it as routing needs. Views point into the transport's
/// buffers and stay valid until the response is given (see `Router::handle`).
struct ApiRequest {
    std::string_view method;
    std::string_view target;                 ///< origin-form request target: path[?query]
    std::string_view accept;                 ///< the Accept header, empty when absent
    const ClientCertificate* certificate = nullptr; ///< null when the connection has none
    std::vector<Header> headers;             ///< the request's headers (authentication reads them)
};

/// What to answer. `content_type` is always set; `route` is a fixed, low-cardinality name of the
/// matched route for metrics and logs; `user` names the caller for the access log.
struct ApiResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    int retry_after_seconds = 0;
    std::string_view route = "other";
    std::string user;
};

/// Build facts served on `/version`, shaped like Kubernetes' `version.Info`.
struct VersionInfo {
    std::string git_version = "v0.0.0";
    std::string git_commit = "unknown";
    std::string build_date = "unknown";
};

/// Everything the router needs besides the provider.
struct RouterConfig {
    /// The authentication settings in force (must outlive the router); null: every request is
    /// anonymous.
    const AuthenticationState* authentication = nullptr;
    /// Reviews bearer tokens (must outlive the router); null: bearer tokens are not accepted.
    const TokenAuthenticator* tokens = nullptr;
    VersionInfo version;
    /// Returns an empty string when ready, otherwise why not (shown by `/readyz`).
    std::function<std::string()> readiness;
    /// More Prometheus text-format families appended to `/metrics` (the adapter's per-series
    /// gauges); may be empty.
    std::function<std::string()> extra_metrics;
    /// Answers the debug view of a metric (must outlive the router); null: that route is a 404.
    const DebugViewProvider* debug_view = nullptr;
};

/// Maps requests to responses: a pure function of the request and the provider's answers (no
/// I/O, no Beast). Implements the routes and error semantics of kubernetes-contracts §2:
/// discovery, metric reads with label selectors, health, version and metrics endpoints,
/// request-header authentication and the authorization seam, `metav1.Status` errors, and the
/// debug view of a metric (`.../namespaces/<ns>/<metric>/debug`, see `DebugViewProvider`).
class Router {
public:
    /// All references must outlive the router.
    Router(const ExternalMetricsProvider& provider, const Authorizer& authorizer,
           const ServerMetrics& metrics, RouterConfig config);

    /// Called once with a response that was not known at once, on an authorizer's thread.
    using Completion = std::function<void(ApiResponse response)>;

    /// Answers one request without blocking: the response when it is known at once (health,
    /// authentication failures, cached authorization decisions: the common path), else nullopt
    /// and `done` is called later with it; `request`'s views must stay valid until then (the
    /// router copies nothing else). Never throws.
    [[nodiscard]] std::optional<ApiResponse> handle(const ApiRequest& request, Completion done) const;

    /// Answers one request, blocking until an authorization review (if one is needed) is
    /// answered: for callers off the I/O threads and tests.
    [[nodiscard]] ApiResponse handle(const ApiRequest& request) const;

    /// The authentication settings the router uses (null: anonymous), for the TLS layer that
    /// verifies client certificates against their CAs.
    [[nodiscard]] const AuthenticationState* authentication() const { return config_.authentication; }

    /// The response for an error found outside routing (limits, parse errors, overload).
    [[nodiscard]] static ApiResponse error_response(const ApiError& error, std::string_view route);

private:
    [[nodiscard]] std::optional<ApiResponse> handle_api(const ApiRequest& request,
                                                        std::string_view path,
                                                        std::string_view query,
                                                        Completion done) const;
    /// Authorizes the authenticated caller `identity` and answers: at once when the decision is
    /// cached, else through `done`.
    [[nodiscard]] std::optional<ApiResponse> authorize(const Identity& identity, std::vector<std::string> seg,
                                                       std::string_view path, std::string_view query,
                                                       std::string_view accept, Completion done) const;
    /// The response once authorization decided.
    [[nodiscard]] ApiResponse respond(const Authorization& decision,
                                      const std::vector<std::string>& seg, std::string_view path,
                                      std::string_view query, std::string_view accept,
                                      const std::string& user) const;
    [[nodiscard]] ApiResponse handle_metric(std::string_view ns, std::string_view metric,
                                            std::string_view query) const;
    [[nodiscard]] ApiResponse handle_debug(std::string_view ns, std::string_view metric,
                                           std::string_view query, std::string_view accept) const;
    [[nodiscard]] ApiResponse handle_health(std::string_view path) const;

    const ExternalMetricsProvider& provider_;
    const Authorizer& authorizer_;
    const ServerMetrics& metrics_;
    RouterConfig config_;
};

} // namespace ihpa::apiserver
