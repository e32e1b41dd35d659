// The listener of the HTTPS server: binds, accepts connections (handing each to a session, see
// session.cpp), and runs the I/O threads and the graceful shutdown. Includes Asio, not Beast.
#include "apiserver/server.hpp"

#include "apiserver/serving_certificate_reloader.hpp"
#include "apiserver/session.hpp"
#include "apiserver/tls_context.hpp"
#include "common/log.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <thread>

namespace ihpa::apiserver {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

/// How often the serving certificate files are compared with the pair in use.
constexpr std::chrono::seconds kServingCertificateCheckInterval{5};

} // namespace

struct Server::Impl {
    Impl(ServerOptions options, const Router& router, ServerMetrics& metrics)
        : shared{std::move(options), router, metrics, {}, {}, {}, {}}, ctx(ssl::context::tls_server),
          acceptor(ioc), signals(ioc, SIGTERM, SIGINT), deadline(ioc)
    {
        shared.on_drained = [this] {
            net::post(control, [this] { deadline.cancel(); });
        };
    }

    std::expected<void, std::string> listen()
    {
        const ServerOptions& opt = shared.options;
        error_code ec;
        const auto address = net::ip::make_address(opt.bind_address, ec);
        if (ec) {
            return std::unexpected("--bind-address " + opt.bind_address + ": " + ec.message());
        }
        const tcp::endpoint endpoint(address, static_cast<unsigned short>(opt.secure_port));
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) {
            acceptor.set_option(net::socket_base::reuse_address(true), ec);
        }
        if (!ec) {
            acceptor.bind(endpoint, ec);
        }
        if (!ec) {
            acceptor.listen(net::socket_base::max_listen_connections, ec);
        }
        if (ec) {
            return std::unexpected("cannot listen on " + opt.bind_address + ":" +
                                   std::to_string(opt.secure_port) + ": " + ec.message());
        }
        bound_port = acceptor.local_endpoint().port();
        return {};
    }

    void do_accept()
    {
        acceptor.async_accept([this](error_code ec, tcp::socket socket) {
            if (ec) {
                if (shared.shutting_down) {
                    return;
                }
                IHPA_LOG(warn, "server") << "accept failed: " << ec.message();
            } else if (shared.metrics.connections() >= shared.options.max_connections) {
                shared.metrics.connection_rejected();
                error_code ignored;
                socket.close(ignored);
            } else {
                // Responses are written whole; Nagle would hold them back behind TLS records
                // (e.g. TLS 1.3 session tickets) until the client's delayed ACK.
                error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                const int family = socket.local_endpoint(ignored).protocol().family();
                error_code released;
                const int native = socket.release(released);
                if (released) {
                    IHPA_LOG(warn, "server") << "cannot hand over a connection: " << released.message();
                } else {
                    start_session(ioc, native, family, ctx, shared);
                }
            }
            if (!shared.shutting_down) {
                do_accept();
            }
        });
    }

    void begin_shutdown()
    {
        if (shared.shutting_down.exchange(true)) {
            return;
        }
        IHPA_LOG(info, "server") << "shutting down: no new connections, finishing in-flight requests";
        error_code ignored;
        acceptor.close(ignored);
        signals.cancel(ignored);
        if (!notify_sessions_of_shutdown(shared)) {
            return;
        }
        deadline.expires_after(shared.options.shutdown_timeout);
        deadline.async_wait([this](error_code ec) {
            if (!ec) {
                IHPA_LOG(warn, "server") << "shutdown timeout reached; closing remaining connections";
                ioc.stop();
            }
        });
    }

    net::io_context ioc;
    /// Serialises shutdown steps (signal, shutdown(), drained) around the deadline timer.
    net::strand<net::io_context::executor_type> control{ioc.get_executor()};
    SessionShared shared;
    std::unique_ptr<ServingCertificate> serving; ///< outlives ctx: its handshakes read it
    ssl::context ctx;
    tcp::acceptor acceptor;
    net::signal_set signals;
    net::steady_timer deadline;
    unsigned short bound_port = 0;
    std::unique_ptr<ServingCertificateReloader> reloader; ///< set while serving from files
};

Server::Server(ServerOptions options, const Router& router, ServerMetrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics))
{
}

Server::~Server() = default;

std::expected<void, std::string> Server::start()
{
    auto serving = ServingCertificate::create(impl_->shared.options, impl_->shared.metrics);
    if (!serving) {
        return std::unexpected(serving.error());
    }
    impl_->serving = std::move(*serving);
    configure_tls_context(impl_->ctx, *impl_->serving);
    if (auto ok = impl_->listen(); !ok) {
        return ok;
    }
    if (impl_->serving->reloadable()) {
        impl_->reloader = std::make_unique<ServingCertificateReloader>(
            *impl_->serving, kServingCertificateCheckInterval);
    }
    return {};
}

unsigned short Server::port() const { return impl_->bound_port; }

void Server::run()
{
    Impl& impl = *impl_;
    impl.signals.async_wait([&impl](error_code ec, int signal) {
        if (!ec) {
            IHPA_LOG(info, "server") << "received signal " << signal;
            net::post(impl.control, [&impl] { impl.begin_shutdown(); });
        }
    });
    impl.do_accept();
    const int configured = impl.shared.options.threads;
    const unsigned threads =
        configured > 0 ? static_cast<unsigned>(configured) : std::max(1U, std::thread::hardware_concurrency());
    IHPA_LOG(info, "server") << "listening on " << impl.shared.options.bind_address << ":"
                             << impl.bound_port << " with " << threads << " threads";
    std::vector<std::thread> workers;
    for (unsigned i = 1; i < threads; ++i) {
        workers.emplace_back([&impl] { impl.ioc.run(); });
    }
    impl.ioc.run();
    for (auto& worker : workers) {
        worker.join();
    }
    if (impl.reloader) {
        impl.reloader->stop();
    }
    IHPA_LOG(info, "server") << "stopped";
}

void Server::shutdown()
{
    net::post(impl_->control, [impl = impl_.get()] { impl->begin_shutdown(); });
}

} // namespace ihpa::apiserver
