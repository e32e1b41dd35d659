#pragma once

#include "net/http_client.hpp"

#include <gtest/gtest.h>

namespace ihpa::test {

/// The base of fake HTTP clients for sources that only send whole requests (metric backends):
/// a call to `stream` fails the test and returns an error.
class SendOnlyHttpClient : public net::HttpClient {
public:
    std::expected<net::StreamResult, std::string>
    stream(const net::HttpRequest& request, const net::StreamOptions& /*options*/,
           const net::LineHandler& /*on_line*/) override
    {
        ADD_FAILURE() << "unexpected streaming request " << request.url;
        return std::unexpected("this fake does not stream");
    }
};

} // namespace ihpa::test
