#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ihpa::adapter {

/// One HTTP request to a metric backend.
struct HttpRequest {
    std::string method = "GET";
    std::string url; ///< absolute: http:// or https://host[:port]/path?query
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// The backend's answer (any status; deciding what a status means is the caller's job).
struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The first header named `name` (case-insensitive), or empty.
    [[nodiscard]] std::string header(std::string_view name) const;
};

/// The parts of an absolute http:// or https:// URL a client needs.
struct HttpUrl {
    bool tls = false;   ///< https
    std::string host;   ///< name or address, without brackets for IPv6 literals
    std::string port;   ///< explicit, or 80/443 by scheme
    std::string target; ///< path and query, "/" when the URL has no path; no fragment
};

/// Parses `url` (`http[s]://host[:port][/path][?query]`, scheme case-insensitive, IPv6 literals
/// in brackets); userinfo is rejected. The error says what is wrong.
[[nodiscard]] std::expected<HttpUrl, std::string> parse_http_url(std::string_view url);

/// How a client connects.
struct HttpClientOptions {
    std::chrono::milliseconds timeout{10000};   ///< whole request, connect to last byte
    std::size_t max_body_bytes = 64 << 20;      ///< larger answers are an error
    std::string ca_file;                        ///< PEM bundle; empty: the system's
    bool insecure_skip_verify = false;          ///< skip server certificate verification
    std::string client_cert_file;               ///< PEM client certificate for mutual TLS
    std::string client_key_file;                ///< its key
};

/// A blocking HTTP/1.1 client for metric backends (keeps one connection alive per host).
/// Not thread-safe: one per poller. Transport failures (DNS, refused, TLS, timeout, oversized
/// body) are errors naming the URL's host and the cause; HTTP error statuses are responses.
class HttpClient {
public:
    virtual ~HttpClient() = default;
    [[nodiscard]] virtual std::expected<HttpResponse, std::string> send(const HttpRequest& request) = 0;
};

/// The real client (Boost.Beast over TCP and OpenSSL); fails when `options` name unreadable
/// or invalid PEM files.
[[nodiscard]] std::expected<std::unique_ptr<HttpClient>, std::string>
make_http_client(const HttpClientOptions& options);

} // namespace ihpa::adapter
