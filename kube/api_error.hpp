#pragma once

#include "net/http_message.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ihpa::kube {

/// A failed API call: the server's `Status` (code, reason, message), or a transport failure
/// (code 0, reason "Transport") when no answer came.
struct KubeError {
    int code = 0;        ///< HTTP status / Status.code; 0 for transport failures
    std::string reason;  ///< Status.reason: "Conflict", "NotFound", "Expired", ...
    std::string message; ///< human-readable; names the request for transport failures
    /// How long the server asked the client to wait (429 and 503: the `Retry-After` header, or
    /// the Status' details.retryAfterSeconds).
    std::optional<std::chrono::seconds> retry_after{};

    /// 409: a stale resourceVersion on update, or AlreadyExists on create.
    [[nodiscard]] bool conflict() const { return code == 409; }
    /// 410 Gone / Expired: the resourceVersion is older than the server keeps.
    [[nodiscard]] bool gone() const { return code == 410; }
    [[nodiscard]] bool not_found() const { return code == 404; }
    /// Worth retrying with backoff: transport failures, 429 and 5xx.
    [[nodiscard]] bool retryable() const { return code == 0 || code == 429 || code >= 500; }
    /// "409 Conflict: message" or "Transport: message".
    [[nodiscard]] std::string describe() const;
};

/// The error of a non-2xx answer: its `Status` object when the body is one, else the status
/// code with the first bytes of the body.
[[nodiscard]] KubeError error_from_response(const net::HttpResponse& response);

/// The error for a transport failure described by `message`.
[[nodiscard]] KubeError transport_error(std::string message);

} // namespace ihpa::kube
