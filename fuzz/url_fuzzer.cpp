// URL text: percent-decoding of request paths and query strings, percent-encoding of query
// values, and the HTTP client's URL parser (source URLs from the configuration).
#include "common/url.hpp"
#include "fuzz/fuzz_support.hpp"
#include "net/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    const std::string_view text = fuzz::as_text(data, size);
    for (const bool plus_is_space : {false, true}) {
        if (const auto decoded = common::percent_decode(text, plus_is_space)) {
            fuzz::require(decoded->size() <= text.size(), "decoding never grows the text");
        }
    }
    const std::string encoded = common::percent_encode(text);
    const auto decoded = common::percent_decode(encoded, true);
    fuzz::require(decoded.has_value() && *decoded == text, "decode(encode(x)) == x");
    fuzz::require(common::percent_encode(encoded).find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%") ==
                      std::string::npos,
                  "encoding yields unreserved bytes and escapes only");
    if (const auto url = net::parse_http_url(text)) {
        fuzz::require(!url->host.empty() && !url->port.empty() && !url->target.empty(),
                      "a parsed URL has a host, a port and a target");
        (void)net::authority(*url);
        (void)net::join_url(text, "/api/v1/query", {{"query", std::string(text)}});
    }
    return 0;
}
