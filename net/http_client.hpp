#pragma once

#include "net/cancel_token.hpp"
#include "net/http_message.hpp"

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ihpa::net {

/// PEM material given either as a file path or inline (kubeconfig `*-data`, decoded); at most
/// one of the two is set.
struct PemSource {
    std::string file;
    std::string data;

    /// True when neither is set.
    [[nodiscard]] bool empty() const { return file.empty() && data.empty(); }
};

/// How a client authenticates the server and itself.
struct TlsOptions {
    PemSource ca;                      ///< trusted CA bundle; empty: the system's
    PemSource client_cert;             ///< client certificate chain for mutual TLS
    PemSource client_key;              ///< its private key (both or neither)
    bool insecure_skip_verify = false; ///< skip server certificate and name verification
};

/// Returns the bearer token for one request (empty: send no Authorization header), or why it
/// cannot; called before every request so that a rotated token file is picked up.
using TokenSupplier = std::function<std::expected<std::string, std::string>()>;

/// How a client connects. Defaults suit a control-plane or metrics client.
struct HttpClientOptions {
    std::chrono::milliseconds timeout{10000};        ///< whole request, connect to last byte
    std::chrono::milliseconds connect_timeout{5000}; ///< TCP connect + TLS handshake
    std::size_t max_body_bytes = 64 << 20;           ///< larger answers are an error
    TlsOptions tls;
    TokenSupplier bearer_token; ///< unset: no Authorization header is added
    std::string user_agent = "ihpa";
};

/// How a streaming request reads its answer.
struct StreamOptions {
    /// The stream fails when no byte arrives for this long (0: never). Set it above the
    /// server's own keep-alive interval (watch bookmarks, timeoutSeconds).
    std::chrono::milliseconds idle_timeout{0};
    /// Whole request, connect to last byte (0: no limit; a stream usually has none).
    std::chrono::milliseconds timeout{0};
    std::shared_ptr<CancelToken> cancel; ///< optional; cancel() ends the stream from any thread
};

/// Receives one line of a 2xx streaming answer, without its "\n" (and "\r"); empty lines are
/// skipped. Returning false ends the stream.
using LineHandler = std::function<bool(std::string_view line)>;

/// Why a stream ended without a transport error.
enum class StreamEnd {
    Closed,  ///< the server ended the answer
    Stopped, ///< the line handler returned false
    Cancelled,
};

/// The result of a streaming request: the status and headers; the body only when the status
/// is not 2xx (then no line was delivered and the body holds the server's error document).
struct StreamResult {
    HttpResponse response;
    StreamEnd end = StreamEnd::Closed;
};

/// A blocking HTTP/1.1 client keeping connections alive between requests. One request runs at
/// a time per client (concurrent calls wait for each other); use one client per thread that
/// needs its own connection (a watch holds its client for the stream's life). Transport
/// failures (DNS, refused, TLS, timeout, oversized body, token supplier failure) are errors
/// naming the server (`host[:port]`) and the cause; HTTP error statuses are responses.
class HttpClient {
public:
    virtual ~HttpClient() = default;

    /// Sends `request` and reads the whole answer (at most `max_body_bytes`).
    [[nodiscard]] virtual std::expected<HttpResponse, std::string> send(const HttpRequest& request) = 0;

    /// Sends `request` and delivers a 2xx answer line by line as it arrives (a line longer
    /// than `max_body_bytes` is an error), until the server closes it, `on_line` returns
    /// false, or `options.cancel` is cancelled.
    [[nodiscard]] virtual std::expected<StreamResult, std::string>
    stream(const HttpRequest& request, const StreamOptions& options, const LineHandler& on_line) = 0;
};

/// The real client (libcurl). Fails when `options` name unreadable or invalid PEM material,
/// or a certificate without its key.
[[nodiscard]] std::expected<std::unique_ptr<HttpClient>, std::string>
make_http_client(const HttpClientOptions& options);

} // namespace ihpa::net
