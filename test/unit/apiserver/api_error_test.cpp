#include "apiserver/api_error.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ihpa::apiserver {
namespace {

using nlohmann::json;

TEST(ApiErrorTest, StatusDocumentMatchesMetav1Status)
{
    EXPECT_EQ(json::parse(render_status(metric_not_found("forecast_foo", "default"))), json::parse(R"({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "the server could not find the metric forecast_foo for namespace default",
        "reason": "NotFound", "code": 404})"));
    EXPECT_EQ(json::parse(render_status(internal_error("unable to fetch metrics")))["message"],
              "Internal error occurred: unable to fetch metrics");
}

TEST(ApiErrorTest, EveryConstructorHasItsCodeAndReason)
{
    const std::vector<std::tuple<ApiError, int, std::string>> cases = {
        {bad_request("x"), 400, "BadRequest"},
        {unauthorized(), 401, "Unauthorized"},
        {forbidden("u", "list", "m"), 403, "Forbidden"},
        {path_not_found("/x"), 404, "NotFound"},
        {method_not_allowed("POST"), 405, "MethodNotAllowed"},
        {not_acceptable("text/html"), 406, "NotAcceptable"},
        {entity_too_large("x"), 413, "RequestEntityTooLarge"},
        {too_many_requests(), 429, "TooManyRequests"},
        {internal_error("x"), 500, "InternalError"},
        {service_unavailable("x"), 503, "ServiceUnavailable"},
    };
    for (const auto& [error, code, reason] : cases) {
        SCOPED_TRACE(reason);
        const json doc = json::parse(render_status(error));
        EXPECT_EQ(doc["code"], code);
        EXPECT_EQ(doc["reason"], reason);
        EXPECT_EQ(doc["status"], "Failure");
    }
    EXPECT_EQ(json::parse(render_status(too_many_requests()))["details"]["retryAfterSeconds"], 1);
}

TEST(ApiErrorTest, InvalidUtf8InMessagesStillRendersValidJson)
{
    const std::string rendered = render_status(bad_request("bad byte \xff here"));
    EXPECT_TRUE(json::accept(rendered)) << rendered;
}

} // namespace
} // namespace ihpa::apiserver
