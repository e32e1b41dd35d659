#pragma once

#include "apiserver/options.hpp"
#include "apiserver/router.hpp"
#include "apiserver/server_metrics.hpp"

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

namespace boost::asio {
class io_context; // declared only: Asio stays out of headers
namespace ssl {
class context;
}
} // namespace boost::asio

namespace ihpa::apiserver {

class Session;

/// What the listener and every session share: the options, the router and metrics, the
/// shutdown flag and the registry of live sessions.
struct SessionShared {
    ServerOptions options;
    const Router& router;
    ServerMetrics& metrics;
    std::atomic<bool> shutting_down{false};
    std::mutex sessions_mutex;
    std::list<std::weak_ptr<Session>> sessions;
    /// Called when the last session goes away during a shutdown.
    std::function<void()> on_drained;
};

/// Serves one accepted TCP connection, the native socket `socket` of address family `family`
/// (AF_INET or AF_INET6), which the session now owns: a TLS handshake with `ctx`, then HTTP/1.1
/// requests answered by `shared.router` (keep-alive, header and body limits, a timeout on every
/// step) until the client closes, a step times out or the server shuts down. The session runs
/// on its own strand of `ioc` and is registered in `shared.sessions` while it lives.
void start_session(boost::asio::io_context& ioc, int socket, int family,
                   boost::asio::ssl::context& ctx, SessionShared& shared);

/// Tells every live session, on its strand, that the server is shutting down: one waiting for
/// a request stops waiting after `shutdown_grace` unless a request has begun; one answering
/// closes after its answer. False when no session is live.
bool notify_sessions_of_shutdown(SessionShared& shared);

} // namespace ihpa::apiserver
