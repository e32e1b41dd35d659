#include "apiserver/api_error.hpp"

#include <nlohmann/json.hpp>

namespace ihpa::apiserver {
namespace {

ApiError make(int code, std::string reason, std::string message, int retry_after = 0)
{
    return ApiError{code, std::move(reason), std::move(message), retry_after};
}

} // namespace

ApiError bad_request(std::string message) { return make(400, "BadRequest", std::move(message)); }

ApiError unauthorized(std::string message) { return make(401, "Unauthorized", std::move(message)); }

ApiError forbidden(std::string_view user, std::string_view verb, std::string_view resource)
{
    return make(403, "Forbidden",
                std::string(resource) + " is forbidden: User \"" + std::string(user) +
                    "\" cannot " + std::string(verb) + " " + std::string(resource));
}

ApiError path_not_found(std::string_view path)
{
    return make(404, "NotFound", "the server could not find the requested resource (" +
                                     std::string(path) + ")");
}

ApiError metric_not_found(std::string_view metric, std::string_view ns)
{
    return make(404, "NotFound", "the server could not find the metric " + std::string(metric) +
                                     " for namespace " + std::string(ns));
}

ApiError method_not_allowed(std::string_view method)
{
    return make(405, "MethodNotAllowed",
                "the server does not allow this method on the requested resource (" +
                    std::string(method) + ")");
}

ApiError not_acceptable(std::string_view accept)
{
    return make(406, "NotAcceptable",
                "only the following media types are accepted: application/json, "
                "application/vnd.kubernetes.protobuf, */* (got \"" +
                    std::string(accept) + "\")");
}

ApiError entity_too_large(std::string message)
{
    return make(413, "RequestEntityTooLarge", std::move(message));
}

ApiError too_many_requests()
{
    return make(429, "TooManyRequests", "too many requests, please try again later", 1);
}

ApiError internal_error(std::string_view message)
{
    return make(500, "InternalError", "Internal error occurred: " + std::string(message));
}

ApiError service_unavailable(std::string message)
{
    return make(503, "ServiceUnavailable", std::move(message), 1);
}

std::string render_status(const ApiError& error)
{
    nlohmann::ordered_json status = {
        {"kind", "Status"},
        {"apiVersion", "v1"},
        {"metadata", nlohmann::json::object()},
        {"status", "Failure"},
        {"message", error.message},
        {"reason", error.reason},
        {"code", error.code},
    };
    if (error.retry_after_seconds > 0) {
        status["details"] = {{"retryAfterSeconds", error.retry_after_seconds}};
    }
    return status.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace ihpa::apiserver
