// One TLS connection of the HTTPS server, the only translation unit that includes Beast (~40 s
// to compile). Shape after Boost.Beast's async SSL server example: a session state machine
// (run → handshake → read → write → read | close), each step with its own timeout.
#include "apiserver/session.hpp"

#include "apiserver/beast_request.hpp"
#include "apiserver/tls_identity.hpp"
#include "common/log.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/socket.h>
#include <unistd.h>

namespace ihpa::apiserver {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

/// True for errors of Beast's HTTP parser (malformed or oversized input from the client), as
/// opposed to transport errors.
bool is_http_parse_error(const beast::error_code& ec)
{
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

} // namespace

/// One TLS connection. Lives exactly as long as its pending operation (shared_from_this).
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, ssl::context& ctx, SessionShared& shared)
        : stream_(std::move(socket), ctx), shared_(shared), grace_timer_(stream_.get_executor())
    {
        shared_.metrics.connection_opened();
        beast::error_code ec;
        const auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        if (!ec) {
            remote_ = endpoint.address().to_string();
        }
    }

    ~Session() { shared_.metrics.connection_closed(); }

    void run()
    {
        {
            const std::lock_guard lock(shared_.sessions_mutex);
            registration_ = shared_.sessions.insert(shared_.sessions.end(), weak_from_this());
        }
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&Session::on_run, shared_from_this()));
    }

    /// Called (on this session's strand) when the server starts shutting down.
    void on_server_shutdown()
    {
        if (!reading_) {
            return; // a response is being written; the session closes after it
        }
        // Give a request that is already on its way `shutdown_grace` to arrive, then stop waiting.
        grace_timer_.expires_after(shared_.options.shutdown_grace);
        grace_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec && self->reading_ && !self->request_started_) {
                beast::get_lowest_layer(self->stream_).cancel();
            }
        });
    }

    void unregister()
    {
        bool drained = false;
        {
            const std::lock_guard lock(shared_.sessions_mutex);
            shared_.sessions.erase(registration_);
            drained = shared_.sessions.empty() && shared_.shutting_down;
        }
        if (drained) {
            shared_.on_drained();
        }
    }

    /// The strand this session's handlers run on.
    net::any_io_executor executor() { return stream_.get_executor(); }

private:
    void on_run()
    {
        beast::get_lowest_layer(stream_).expires_after(shared_.options.handshake_timeout);
        stream_.async_handshake(ssl::stream_base::server,
                                beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
    }

    void on_handshake(beast::error_code ec)
    {
        if (ec) {
            shared_.metrics.tls_handshake_failed();
            IHPA_VLOG(4, "server") << "TLS handshake with " << remote_ << " failed: " << ec.message();
            return finish();
        }
        static const AuthenticationSettings kAnonymous;
        const AuthenticationState* authentication = shared_.router.authentication();
        const auto settings = authentication ? authentication->current() : nullptr;
        certificate_ =
            inspect_peer_certificate(stream_.native_handle(), settings ? *settings : kAnonymous);
        do_read();
    }

    /// Waits for the next request: up to the idle timeout for its first byte, then up to the
    /// request timeout for the whole of it (a deadline set once per step holds for every read
    /// of that step, so a client trickling a byte at a time is closed at the request timeout).
    void do_read()
    {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
        parser_->body_limit(shared_.options.max_body_bytes);
        reading_ = true;
        request_started_ = buffer_.size() > 0;
        if (request_started_) {
            read_request();
        } else {
            beast::get_lowest_layer(stream_).expires_after(shared_.options.idle_timeout);
            stream_.async_read_some(buffer_.prepare(kFirstRead),
                                    beast::bind_front_handler(&Session::on_first_bytes,
                                                              shared_from_this()));
        }
        if (shared_.shutting_down) {
            on_server_shutdown(); // a connection accepted while the server began to shut down
        }
    }

    void on_first_bytes(beast::error_code ec, std::size_t bytes)
    {
        buffer_.commit(bytes);
        if (ec) {
            return on_read(ec, 0);
        }
        request_started_ = true;
        read_request();
    }

    void read_request()
    {
        beast::get_lowest_layer(stream_).expires_after(shared_.options.request_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t)
    {
        reading_ = false;
        grace_timer_.cancel();
        if (ec == http::error::end_of_stream || ec == net::error::eof ||
            ec == net::error::operation_aborted || ec == beast::error::timeout) {
            return do_close();
        }
        if (ec == http::error::header_limit) {
            return send_error(ApiError{431, "RequestHeaderFieldsTooLarge",
                                       "request headers exceed " +
                                           std::to_string(shared_.options.max_header_bytes) + " bytes"});
        }
        if (ec == http::error::body_limit) {
            return send_error(entity_too_large("request body exceeds " +
                                               std::to_string(shared_.options.max_body_bytes) +
                                               " bytes"));
        }
        if (ec && is_http_parse_error(ec)) {
            return send_error(bad_request("malformed HTTP request: " + ec.message()));
        }
        if (ec) {
            IHPA_VLOG(4, "server") << "read from " << remote_ << " failed: " << ec.message();
            return finish();
        }
        if (parser_->get().count(http::field::transfer_encoding) > 0 && !parser_->chunked()) {
            // RFC 9112 §6.3: without chunked as the final coding the body's length is unknown, and
            // a proxy in front may take the rest for another request (smuggling): 400 and close.
            return send_error(bad_request("Transfer-Encoding must end with chunked"));
        }
        handle_request(parser_->release());
    }

    void handle_request(http::request<http::string_body>&& request)
    {
        started_ = Clock::now();
        request_ = std::move(request); // kept alive until answered: the router's views point here
        const ApiRequest api_request = to_api_request(request_, &certificate_);
        const bool overloaded =
            shared_.metrics.request_started() > shared_.options.max_requests_inflight;
        if (overloaded) {
            return answer(Router::error_response(too_many_requests(), "overload"));
        }
        awaiting_decision_ = true;
        auto now = shared_.router.handle(api_request, [self = shared_from_this()](ApiResponse later) {
            net::post(self->executor(), [self, later = std::move(later)]() mutable {
                self->on_decided(std::move(later));
            });
        });
        if (now) {
            awaiting_decision_ = false;
            return answer(std::move(*now));
        }
        // An authorization review is on its way; the request timeout bounds the wait. The
        // pending completion holds this session, so a shutdown waits for it.
        grace_timer_.expires_after(shared_.options.request_timeout);
        grace_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec && self->awaiting_decision_) {
                self->awaiting_decision_ = false;
                self->answer(Router::error_response(
                    ApiError{504, "Timeout", "the authorization decision did not arrive in time"},
                    "timeout"));
            }
        });
    }

    /// A response computed off the strand (after an authorization review), now on it.
    void on_decided(ApiResponse later)
    {
        if (!awaiting_decision_) {
            return; // the request timed out and was answered already
        }
        awaiting_decision_ = false;
        grace_timer_.cancel();
        answer(std::move(later));
    }

    void answer(ApiResponse response)
    {
        const bool keep_alive = request_.keep_alive() && !shared_.shutting_down;
        prepare_response(response, request_.version(), keep_alive,
                         request_.method() == http::verb::head);
        IHPA_VLOG(2, "access") << request_.method_string() << ' ' << request_.target() << ' '
                               << response.status << " user=" << response.user
                               << " remote=" << remote_;
        write_response(response.route, started_, true);
    }

    void send_error(const ApiError& error)
    {
        // The request could not be parsed: answer once and close, the stream is out of sync.
        const auto started = Clock::now();
        shared_.metrics.request_started();
        ApiResponse answer = Router::error_response(error, "invalid");
        prepare_response(answer, 11, false, false);
        IHPA_VLOG(2, "access") << "- - " << answer.status << " remote=" << remote_ << " ("
                               << error.message << ")";
        write_response(answer.route, started, false);
    }

    void prepare_response(ApiResponse& answer, unsigned version, bool keep_alive, bool head)
    {
        response_ = {};
        response_.version(version);
        response_.result(static_cast<unsigned>(answer.status));
        response_.set(http::field::content_type, answer.content_type);
        response_.set(http::field::cache_control, "no-cache, private");
        response_.set("X-Content-Type-Options", "nosniff");
        if (answer.retry_after_seconds > 0) {
            response_.set(http::field::retry_after, std::to_string(answer.retry_after_seconds));
        }
        response_.keep_alive(keep_alive);
        const auto length = answer.body.size();
        if (!head) {
            response_.body() = std::move(answer.body);
        }
        response_.content_length(length);
    }

    void write_response(std::string_view route, Clock::time_point started, bool keep_going)
    {
        const bool close = !keep_going || !response_.keep_alive();
        beast::get_lowest_layer(stream_).expires_after(shared_.options.request_timeout);
        http::async_write(stream_, response_,
                          [self = shared_from_this(), route, started, close](beast::error_code ec,
                                                                             std::size_t) {
                              self->on_write(ec, route, started, close);
                          });
    }

    void on_write(beast::error_code ec, std::string_view route, Clock::time_point started, bool close)
    {
        shared_.metrics.request_finished();
        shared_.metrics.observe_request(
            route, static_cast<int>(response_.result_int()),
            std::chrono::duration<double>(Clock::now() - started).count());
        if (ec) {
            IHPA_VLOG(4, "server") << "write to " << remote_ << " failed: " << ec.message();
            return finish();
        }
        if (close) {
            return do_close();
        }
        do_read();
    }

    void do_close()
    {
        beast::get_lowest_layer(stream_).expires_after(shared_.options.shutdown_grace);
        stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->finish(); });
    }

    void finish()
    {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream_).close();
    }

    static constexpr std::size_t kFirstRead = 4096; ///< bytes asked for by the wait for a request

    beast::ssl_stream<beast::tcp_stream> stream_;
    SessionShared& shared_;
    net::steady_timer grace_timer_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> request_;
    http::response<http::string_body> response_;
    Clock::time_point started_{};
    bool awaiting_decision_ = false;
    ClientCertificate certificate_;
    std::string remote_ = "unknown";
    std::list<std::weak_ptr<Session>>::iterator registration_;
    bool reading_ = false;
    bool request_started_ = false;
};

namespace {

/// A session's registration is removed when the last reference goes.
struct SessionHolder {
    static std::shared_ptr<Session> make(tcp::socket&& socket, ssl::context& ctx, SessionShared& shared)
    {
        auto* raw = new Session(std::move(socket), ctx, shared);
        return std::shared_ptr<Session>(raw, [](Session* s) {
            s->unregister();
            delete s;
        });
    }
};


} // namespace

void start_session(net::io_context& ioc, int socket, int family, ssl::context& ctx,
                   SessionShared& shared)
{
    tcp::socket stream(net::make_strand(ioc));
    beast::error_code ec;
    stream.assign(family == AF_INET6 ? tcp::v6() : tcp::v4(), socket, ec);
    if (ec) {
        ::close(socket);
        IHPA_LOG(warn, "server") << "cannot take over an accepted connection: " << ec.message();
        return;
    }
    SessionHolder::make(std::move(stream), ctx, shared)->run();
}

bool notify_sessions_of_shutdown(SessionShared& shared)
{
    std::vector<std::shared_ptr<Session>> live;
    {
        const std::lock_guard lock(shared.sessions_mutex);
        for (auto& weak : shared.sessions) {
            if (auto session = weak.lock()) {
                live.push_back(std::move(session));
            }
        }
    }
    for (auto& session : live) {
        net::post(session->executor(), [session] { session->on_server_shutdown(); });
    }
    return !live.empty();
}

} // namespace ihpa::apiserver
