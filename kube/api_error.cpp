#include "kube/api_error.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace ihpa::kube {

std::string KubeError::describe() const
{
    return code == 0 ? reason + ": " + message : std::to_string(code) + " " + reason + ": " + message;
}

KubeError error_from_response(const net::HttpResponse& response)
{
    KubeError error;
    error.code = response.status;
    const auto status = nlohmann::json::parse(response.body, nullptr, false);
    if (status.is_object() && status.value("kind", "") == "Status") {
        error.reason = status.value("reason", "");
        error.message = status.value("message", "");
        if (const auto code = status.find("code"); code != status.end() && code->is_number_integer()) {
            error.code = code->get<int>();
        }
        const auto details = status.value("details", nlohmann::json::object());
        if (const auto after = details.find("retryAfterSeconds"); after != details.end() && after->is_number_integer()) {
            error.retry_after = std::chrono::seconds(after->get<long>());
        }
    } else {
        error.message = response.body.substr(0, 200);
    }
    if (const std::string header = response.header("Retry-After"); !header.empty()) {
        // Delta-seconds only: an HTTP date there is not what the apiserver sends.
        char* end = nullptr;
        const long seconds = std::strtol(header.c_str(), &end, 10);
        if (end != header.c_str() && *end == '\0' && seconds >= 0) {
            error.retry_after = std::chrono::seconds(seconds);
        }
    }
    if (error.reason.empty()) {
        error.reason = "Unknown";
    }
    return error;
}

KubeError transport_error(std::string message) { return {0, "Transport", std::move(message)}; }

} // namespace ihpa::kube
