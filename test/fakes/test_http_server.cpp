// The one test translation unit with Boost.Beast: a small blocking HTTP/1.1 server, one thread
// per connection, for the HTTP client and Kubernetes client tests.
#include "test/fakes/test_http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <list>
#include <mutex>
#include <thread>

namespace ihpa::test {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string percent_decode(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() &&
                   std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0 &&
                   std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
            out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::map<std::string, std::string> decode_query(std::string_view query)
{
    std::map<std::string, std::string> out;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::size_t eq = pair.find('=');
        out[percent_decode(pair.substr(0, eq))] =
            eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
    return out;
}

} // namespace

std::string ServerRequest::header(std::string_view name) const
{
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() &&
            std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            })) {
            return value;
        }
    }
    return {};
}

struct TestHttpServer::Impl {
    ServerHandler handler;
    asio::io_context io;
    std::unique_ptr<ssl::context> tls;
    tcp::acceptor acceptor{io};
    std::thread accept_thread;
    std::atomic<bool> stopping{false};
    std::atomic<int> accepted{0};
    std::mutex mutex;
    std::list<std::thread> threads;
    std::list<int> open_fds; ///< sockets of live connections

    void accept_loop();
    template <class Stream>
    void serve(Stream& stream, int connection, const std::string& client_cn);
    void shutdown_all()
    {
        const std::lock_guard lock(mutex);
        for (const int fd : open_fds) {
            ::shutdown(fd, SHUT_RDWR);
        }
    }
};

namespace {

template <class Stream>
class StreamResponder final : public Responder {
public:
    StreamResponder(Stream& stream, const TestHttpServer::Impl& server, unsigned version)
        : stream_(stream), server_(server), version_(version)
    {
    }

    void respond(int status, std::string body, std::string content_type,
                 std::vector<std::pair<std::string, std::string>> headers) override
    {
        http::response<http::string_body> response{static_cast<http::status>(status), version_};
        response.set(http::field::content_type, content_type);
        for (const auto& [name, value] : headers) {
            response.set(name, value);
        }
        response.body() = std::move(body);
        response.prepare_payload();
        response.keep_alive(!close_);
        boost::system::error_code ec;
        http::write(stream_, response, ec);
        ok_ = !ec;
        answered_ = true;
    }

    void start_stream(int status, std::string content_type) override
    {
        std::string head = "HTTP/1.1 " + std::to_string(status) + " Stream\r\nContent-Type: " +
                           content_type + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        boost::system::error_code ec;
        asio::write(stream_, asio::buffer(head), ec);
        ok_ = !ec;
        streaming_ = true;
        answered_ = true;
    }

    bool write(std::string_view chunk) override
    {
        if (!ok_ || server_.stopping.load() || chunk.empty()) {
            return ok_ && !server_.stopping.load();
        }
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
        std::string framed = size;
        framed.append(chunk);
        framed += "\r\n";
        boost::system::error_code ec;
        asio::write(stream_, asio::buffer(framed), ec);
        ok_ = !ec;
        return ok_;
    }

    void close_connection() override { close_ = true; }

    /// Ends a chunked answer; false when the connection must close.
    bool finish()
    {
        if (!answered_) {
            respond(500, "handler did not answer", "text/plain", {});
        }
        if (streaming_ && ok_ && !close_) {
            boost::system::error_code ec;
            asio::write(stream_, asio::buffer(std::string_view("0\r\n\r\n")), ec);
            ok_ = !ec;
        }
        return ok_ && !close_;
    }

private:
    Stream& stream_;
    const TestHttpServer::Impl& server_;
    unsigned version_;
    bool ok_ = true;
    bool close_ = false;
    bool streaming_ = false;
    bool answered_ = false;
};

} // namespace

template <class Stream>
void TestHttpServer::Impl::serve(Stream& stream, int connection, const std::string& client_cn)
{
    boost::beast::flat_buffer buffer;
    while (!stopping.load()) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 << 20);
        boost::system::error_code ec;
        http::read(stream, buffer, parser, ec);
        if (ec) {
            return;
        }
        const auto& message = parser.get();
        ServerRequest request;
        request.method = std::string(message.method_string());
        request.target = std::string(message.target());
        const std::size_t question = request.target.find('?');
        request.path = percent_decode(std::string_view(request.target).substr(0, question));
        if (question != std::string::npos) {
            request.query = decode_query(std::string_view(request.target).substr(question + 1));
        }
        for (const auto& field : message) {
            request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        }
        request.body = message.body();
        request.connection = connection;
        request.client_cert_cn = client_cn;
        StreamResponder<Stream> responder(stream, *this, message.version());
        handler(request, responder);
        if (!responder.finish() || !message.keep_alive()) {
            return;
        }
    }
}

void TestHttpServer::Impl::accept_loop()
{
    while (!stopping.load()) {
        tcp::socket socket(io);
        boost::system::error_code ec;
        acceptor.accept(socket, ec);
        if (ec || stopping.load()) {
            return;
        }
        const int connection = ++accepted;
        const int fd = socket.native_handle();
        const std::lock_guard lock(mutex);
        open_fds.push_back(fd);
        threads.emplace_back([this, connection, fd, socket = std::move(socket)]() mutable {
            if (tls) {
                ssl::stream<tcp::socket> stream(std::move(socket), *tls);
                boost::system::error_code handshake;
                stream.handshake(ssl::stream_base::server, handshake);
                std::string client_cn;
                if (X509* peer = SSL_get1_peer_certificate(stream.native_handle())) {
                    char name[256] = {};
                    X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name,
                                              sizeof name);
                    client_cn = name;
                    X509_free(peer);
                }
                if (!handshake) {
                    serve(stream, connection, client_cn);
                }
            } else {
                serve(socket, connection, "");
            }
            const std::lock_guard done(mutex);
            open_fds.remove(fd);
        });
    }
}

TestHttpServer::TestHttpServer(ServerHandler handler, const ServerTls& tls)
    : impl_(std::make_unique<Impl>())
{
    impl_->handler = std::move(handler);
    if (!tls.cert_file.empty()) {
        impl_->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
        impl_->tls->use_certificate_chain_file(tls.cert_file);
        impl_->tls->use_private_key_file(tls.key_file, ssl::context::pem);
        if (!tls.client_ca_file.empty()) {
            impl_->tls->load_verify_file(tls.client_ca_file);
            impl_->tls->set_verify_mode(ssl::verify_peer);
        }
    }
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
    impl_->accept_thread = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

TestHttpServer::~TestHttpServer()
{
    impl_->stopping.store(true);
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    impl_->accept_thread.join();
    impl_->shutdown_all();
    std::list<std::thread> threads;
    {
        const std::lock_guard lock(impl_->mutex);
        threads.swap(impl_->threads);
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
}

int TestHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string TestHttpServer::url() const
{
    return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

int TestHttpServer::connections() const { return impl_->accepted.load(); }

bool TestHttpServer::stopping() const { return impl_->stopping.load(); }

void TestHttpServer::drop_connections() { impl_->shutdown_all(); }

} // namespace ihpa::test
