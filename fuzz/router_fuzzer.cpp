// HTTP request handling: raw request bytes through Beast's request parser (as the server reads
// them), converted as the server converts them, answered by the router (a pure function) over a
// fake provider, anonymously and with request-header authentication. Every answer must have a
// valid status and, when it says JSON, a body that parses.
#include "apiserver/beast_request.hpp"
#include "apiserver/options.hpp"
#include "apiserver/router.hpp"
#include "fuzz/fuzz_support.hpp"
#include "test/fakes/fake_provider.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <nlohmann/json.hpp>

namespace {

using namespace ihpa;
namespace http = boost::beast::http;

/// The routers under test and what they read, built once.
struct Fixture {
    Fixture()
    {
        const auto t = std::chrono::system_clock::from_time_t(1'700'000'000);
        provider.metrics["queue_depth"] = {
            {"queue_depth", {{"queue", "orders"}, {"env", "prod"}}, t, std::nullopt, 12.5},
            {"queue_depth", {{"queue", "mails"}, {"env", "prod"}}, t, 60, 3.0},
        };
        provider.errors["broken"] = apiserver::internal_error("unable to fetch metrics");
        apiserver::AuthenticationSettings settings;
        settings.request_header.enabled = true;
        settings.request_header.allowed_names = {"front-proxy-client"};
        authentication.update(settings);
        apiserver::RouterConfig config;
        config.authentication = &authentication;
        config.readiness = [] { return std::string(); };
        authenticated.emplace(provider, authorizer, metrics, config);
    }
    test::FakeProvider provider;
    apiserver::AlwaysAllowAuthorizer authorizer;
    apiserver::ServerMetrics metrics;
    apiserver::AuthenticationState authentication;
    apiserver::Router anonymous{provider, authorizer, metrics, apiserver::RouterConfig{}};
    std::optional<apiserver::Router> authenticated;
    apiserver::ClientCertificate front_proxy{true, true, true, "front-proxy-client", ""};
};

void check(const apiserver::ApiResponse& response)
{
    fuzz::require(response.status >= 200 && response.status <= 599, "the status is valid");
    fuzz::require(!response.content_type.empty(), "the content type is set");
    if (response.content_type.starts_with("application/json")) {
        fuzz::require(nlohmann::json::accept(response.body), "a JSON body parses");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const Fixture fixture;
    const apiserver::ServerOptions limits;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::const_buffer(data, size), ec);
    if (ec || !parser.is_done()) {
        return 0; // the server answers these itself (400, 413, 431) or waits for more bytes
    }
    const auto& request = parser.get();
    check(fixture.anonymous.handle(apiserver::to_api_request(request, nullptr)));
    check(fixture.authenticated->handle(apiserver::to_api_request(request, &fixture.front_proxy)));
    check(fixture.authenticated->handle(apiserver::to_api_request(request, nullptr)));
    return 0;
}
