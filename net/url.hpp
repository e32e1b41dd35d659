#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ihpa::net {

/// The parts of an absolute http:// or https:// URL a client needs.
struct HttpUrl {
    bool tls = false;   ///< https
    std::string host;   ///< name or address, without brackets for IPv6 literals
    std::string port;   ///< explicit, or 80/443 by scheme
    std::string target; ///< path and query, "/" when the URL has no path; no fragment
};

/// Parses `url` with libcurl's URL parser (`http[s]://host[:port][/path][?query]`, scheme
/// case-insensitive, IPv6 literals in brackets); other schemes and userinfo are rejected. The
/// error reads `invalid URL "<url>": <why>`.
[[nodiscard]] std::expected<HttpUrl, std::string> parse_http_url(std::string_view url);

/// `host` or `host:port` (the port only when it is not the scheme's default; IPv6 in brackets),
/// the way error messages name a server.
[[nodiscard]] std::string authority(const HttpUrl& url);

/// Query parameters in order; values are given unencoded.
using QueryParameters = std::vector<std::pair<std::string, std::string>>;

/// `base` (an absolute URL) with `path` appended (no encoding: callers pass valid path
/// segments) and `query` appended URL-encoded (by libcurl); errors as parse_http_url's.
[[nodiscard]] std::expected<std::string, std::string>
join_url(std::string_view base, std::string_view path, const QueryParameters& query);

} // namespace ihpa::net
