#pragma once

#include "apiserver/options.hpp"
#include "apiserver/router.hpp"
#include "apiserver/server_metrics.hpp"

#include <expected>
#include <memory>
#include <string>

namespace ihpa::apiserver {

/// The HTTPS server: TLS 1.2+ only, HTTP/1.1 keep-alive, header/body limits, per-operation
/// timeouts, connection and in-flight limits, and graceful shutdown. Requests are answered by the
/// `Router` on the I/O threads, at once on the common path; a request whose token or
/// authorization review is not cached is answered when the review completes (bounded by the
/// request timeout: 504), without holding an I/O thread. Client certificates are verified once
/// per connection against the router's authentication settings. Beast and Asio stay inside
/// server.cpp (the listener) and session.cpp (one connection).
class Server {
public:
    /// `router` and `metrics` must outlive the server.
    Server(ServerOptions options, const Router& router, ServerMetrics& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Loads or generates the serving certificate, loads the client CA, binds and listens.
    /// The error names the flag or step that failed.
    [[nodiscard]] std::expected<void, std::string> start();

    /// The port actually bound (useful with `--secure-port 0`); valid after `start()`.
    [[nodiscard]] unsigned short port() const;

    /// Serves on `--threads` threads until SIGTERM/SIGINT or `shutdown()`; then stops accepting,
    /// lets in-flight requests finish, closes idle connections after `shutdown_grace` and returns
    /// within `shutdown_timeout`.
    void run();

    /// Starts a graceful shutdown; thread-safe, idempotent.
    void shutdown();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ihpa::apiserver
