#include "kube/api_error.hpp"

#include <nlohmann/json.hpp>

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
    } else {
        error.message = response.body.substr(0, 200);
    }
    if (error.reason.empty()) {
        error.reason = "Unknown";
    }
    return error;
}

KubeError transport_error(std::string message) { return {0, "Transport", std::move(message)}; }

} // namespace ihpa::kube
