#pragma once

#include <string>
#include <string_view>

namespace ihpa::apiserver {

/// An error answered to a client as a Kubernetes `metav1.Status` (kubernetes-contracts §2.4).
/// `message` is what the client sees: it must not leak internals (log those where the error
/// is handled). `reason` is a `metav1.StatusReason` such as "NotFound".
struct ApiError {
    int code = 500;
    std::string reason = "InternalError";
    std::string message;
    /// Seconds a client should wait before retrying (429/503); 0 = no `Retry-After`.
    int retry_after_seconds = 0;
};

/// 400 BadRequest with `message`.
[[nodiscard]] ApiError bad_request(std::string message);
/// 401 Unauthorized: the request carries no valid identity.
[[nodiscard]] ApiError unauthorized(std::string message = "Unauthorized");
/// 403 Forbidden: `user` may not `verb` the `resource` (message phrased as Kubernetes does).
[[nodiscard]] ApiError forbidden(std::string_view user, std::string_view verb, std::string_view resource);
/// 404 NotFound for an unknown path.
[[nodiscard]] ApiError path_not_found(std::string_view path);
/// 404 NotFound for an unknown metric or a selector that matches nothing, worded like
/// custom-metrics-apiserver: "the server could not find the metric X for namespace Y".
[[nodiscard]] ApiError metric_not_found(std::string_view metric, std::string_view ns);
/// 405 MethodNotAllowed.
[[nodiscard]] ApiError method_not_allowed(std::string_view method);
/// 406 NotAcceptable: none of the `accept` media types can be produced.
[[nodiscard]] ApiError not_acceptable(std::string_view accept);
/// 413 RequestEntityTooLarge.
[[nodiscard]] ApiError entity_too_large(std::string message);
/// 429 TooManyRequests with a Retry-After of 1 s.
[[nodiscard]] ApiError too_many_requests();
/// 500 InternalError with a generic message ("Internal error occurred: <message>").
[[nodiscard]] ApiError internal_error(std::string_view message);
/// 503 ServiceUnavailable.
[[nodiscard]] ApiError service_unavailable(std::string message);

/// Renders `error` as a compact `metav1.Status` JSON document.
[[nodiscard]] std::string render_status(const ApiError& error);

} // namespace ihpa::apiserver
