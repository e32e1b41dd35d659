#pragma once

#include "test/fakes/send_only_http_client.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <map>
#include <sstream>

namespace ihpa::adapter::datadog_test {

/// One request the fake expects and what it answers.
struct Exchange {
    std::string query;         ///< expected `query` parameter, decoded
    long long from = 0;        ///< expected `from`, epoch seconds
    long long to = 0;          ///< expected `to`, epoch seconds
    int status = 200;          ///< the answer's status
    std::string fixture;       ///< file in test/fixtures/datadog/ served as the body
    std::vector<std::pair<std::string, std::string>> headers; ///< the answer's headers
    std::string transport_error; ///< when set, `send` fails with it instead of answering
};

/// The contents of a fixture file.
inline std::string fixture(const std::string& name)
{
    std::ifstream in(std::string(IHPA_SOURCE_DIR) + "/test/fixtures/datadog/" + name);
    EXPECT_TRUE(in) << "missing fixture " << name;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Decodes a URL query value (`%XX`, `+` as a space).
inline std::string url_decode(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i] == '+' ? ' ' : text[i];
        }
    }
    return out;
}

/// A faithful stand-in for Datadog's v1 query endpoint, driven by a script: every request must
/// be the next scripted exchange, a GET of https://api.<site>/api/v1/query with exactly the
/// parameters from, to and query, and the DD-API-KEY and DD-APPLICATION-KEY headers of the keys
/// "api-key" and "app-key". It answers with the exchange's fixture, status and headers.
/// Mismatches and requests beyond the script fail the test.
class FakeDatadogHttp final : public test::SendOnlyHttpClient {
public:
    explicit FakeDatadogHttp(std::deque<Exchange> script, std::string site = "datadoghq.com")
        : script_(std::move(script)), site_(std::move(site))
    {
    }

    std::expected<net::HttpResponse, std::string> send(const net::HttpRequest& request) override
    {
        ++sent_;
        if (script_.empty()) {
            ADD_FAILURE() << "unexpected request " << request.url;
            return std::unexpected("unexpected request");
        }
        const Exchange exchange = std::move(script_.front());
        script_.pop_front();
        EXPECT_EQ(request.method, "GET");
        const std::string prefix = "https://api." + site_ + "/api/v1/query?";
        EXPECT_EQ(request.url.rfind(prefix, 0), 0U) << request.url;
        std::map<std::string, std::string> params;
        std::istringstream query(request.url.substr(std::min(prefix.size(), request.url.size())));
        for (std::string pair; std::getline(query, pair, '&');) {
            const std::size_t eq = pair.find('=');
            EXPECT_NE(eq, std::string::npos) << pair;
            EXPECT_TRUE(params.emplace(pair.substr(0, eq), url_decode(pair.substr(eq + 1))).second)
                << "repeated parameter " << pair;
        }
        const std::map<std::string, std::string> expected = {
            {"from", std::to_string(exchange.from)},
            {"to", std::to_string(exchange.to)},
            {"query", exchange.query}};
        EXPECT_EQ(params, expected);
        EXPECT_EQ(header(request, "DD-API-KEY"), "api-key");
        EXPECT_EQ(header(request, "DD-APPLICATION-KEY"), "app-key");
        if (!exchange.transport_error.empty()) {
            return std::unexpected(exchange.transport_error);
        }
        return net::HttpResponse{exchange.status, exchange.headers, fixture(exchange.fixture)};
    }

    /// Scripted exchanges not yet requested.
    [[nodiscard]] std::size_t pending() const { return script_.size(); }
    /// Requests received so far.
    [[nodiscard]] std::size_t sent() const { return sent_; }

private:
    static std::string header(const net::HttpRequest& request, const std::string& name)
    {
        for (const auto& [key, value] : request.headers) {
            if (key == name) {
                return value;
            }
        }
        return {};
    }

    std::deque<Exchange> script_;
    std::string site_;
    std::size_t sent_ = 0;
};

} // namespace ihpa::adapter::datadog_test
