// The only translation unit of adapter/ that includes Boost.Beast and Asio (they cost tens of
// seconds of compile time per file). Blocking calls are built from asynchronous operations run
// on a private io_context, so that every step (resolve, connect, handshake, write, read) honours
// one deadline for the whole request.

#include "adapter/source/http/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace ihpa::adapter {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool is_ip_literal(const std::string& host)
{
    boost::system::error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

/// The Host header value: the port only when it is not the scheme's default.
std::string host_header(const HttpUrl& url)
{
    const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    const bool default_port = url.port == (url.tls ? "443" : "80");
    return default_port ? host : host + ":" + url.port;
}

/// True for the errors a kept-alive connection closed by the peer produces on reuse.
bool closed_by_peer(const beast::error_code& ec)
{
    return ec == http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == ssl::error::stream_truncated;
}

/// One kept-alive connection, plain or TLS.
struct Connection {
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;

    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

class BeastHttpClient final : public HttpClient {
public:
    BeastHttpClient(const HttpClientOptions& options, ssl::context&& context)
        : options_(options), context_(std::move(context))
    {
    }

    std::expected<HttpResponse, std::string> send(const HttpRequest& request) override;

private:
    /// Starts `operation` with a completion handler and runs the io_context until it completes.
    template <class Operation>
    beast::error_code run(Operation&& operation);

    std::expected<std::unique_ptr<Connection>, std::string> connect(const HttpUrl& url,
                                                                    Clock::time_point deadline);
    /// Writes `request` and reads the answer; the error code tells what failed, `what` at which
    /// step, `got_bytes` whether any byte of the answer arrived.
    struct Exchange {
        beast::error_code ec;
        const char* what = "";
        bool got_bytes = false;
        HttpResponse response;
        bool keep_alive = false;
    };
    Exchange exchange(Connection& connection, const http::request<http::string_body>& request,
                      Clock::time_point deadline);
    std::string describe(const HttpUrl& url, const char* what, const beast::error_code& ec,
                         const Connection* connection) const;

    HttpClientOptions options_;
    net::io_context io_;
    ssl::context context_;
    std::map<std::string, std::unique_ptr<Connection>> connections_; ///< by scheme://host:port
};

template <class Operation>
beast::error_code BeastHttpClient::run(Operation&& operation)
{
    beast::error_code result = net::error::would_block;
    std::forward<Operation>(operation)([&result](beast::error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run();
    return result;
}

std::expected<std::unique_ptr<Connection>, std::string>
BeastHttpClient::connect(const HttpUrl& url, Clock::time_point deadline)
{
    auto connection = std::make_unique<Connection>();
    tcp::resolver resolver(io_);
    tcp::resolver::results_type endpoints;
    beast::error_code ec = run([&](auto handler) {
        resolver.async_resolve(url.host, url.port,
                               [&endpoints, handler](beast::error_code e, tcp::resolver::results_type r) {
                                   endpoints = std::move(r);
                                   handler(e);
                               });
    });
    if (ec) {
        return std::unexpected(describe(url, "resolve", ec, nullptr));
    }
    if (url.tls) {
        connection->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io_, context_);
        SSL* ssl_handle = connection->secure->native_handle();
        if (!is_ip_literal(url.host)) {
            // SNI carries names only (RFC 6066 §3).
            SSL_set_tlsext_host_name(ssl_handle, url.host.c_str());
        }
        if (options_.insecure_skip_verify) {
            connection->secure->set_verify_mode(ssl::verify_none);
        } else {
            connection->secure->set_verify_mode(ssl::verify_peer);
            connection->secure->set_verify_callback(ssl::host_name_verification(url.host));
        }
    } else {
        connection->plain = std::make_unique<beast::tcp_stream>(io_);
    }
    beast::tcp_stream& lowest = connection->lowest();
    lowest.expires_at(deadline);
    ec = run([&](auto handler) { lowest.async_connect(endpoints, handler); });
    if (ec) {
        return std::unexpected(describe(url, "connect", ec, nullptr));
    }
    if (connection->secure) {
        lowest.expires_at(deadline);
        ec = run([&](auto handler) {
            connection->secure->async_handshake(ssl::stream_base::client, handler);
        });
        if (ec) {
            return std::unexpected(describe(url, "TLS handshake", ec, connection.get()));
        }
    }
    return connection;
}

BeastHttpClient::Exchange BeastHttpClient::exchange(Connection& connection,
                                                    const http::request<http::string_body>& request,
                                                    Clock::time_point deadline)
{
    Exchange out;
    connection.lowest().expires_at(deadline);
    auto write = [&](auto& stream) {
        return run([&](auto handler) { http::async_write(stream, request, handler); });
    };
    out.ec = connection.secure ? write(*connection.secure) : write(*connection.plain);
    if (out.ec) {
        out.what = "write";
        return out;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.max_body_bytes);
    // The header first, and its Content-Length checked here before the body is buffered: with
    // Boost 1.74 a response whose declared length exceeded body_limit was read whole (seen with
    // Prometheus' answers). Chunked and close-delimited bodies are counted against body_limit
    // by the parser as they arrive.
    auto read = [&](auto& stream, bool header_only) {
        return run([&](auto handler) {
            if (header_only) {
                http::async_read_header(stream, buffer, parser, handler);
            } else {
                http::async_read(stream, buffer, parser, handler);
            }
        });
    };
    for (const bool header_only : {true, false}) {
        out.ec = connection.secure ? read(*connection.secure, header_only)
                                   : read(*connection.plain, header_only);
        out.got_bytes = parser.got_some() || buffer.size() > 0;
        if (!out.ec && header_only &&
            parser.content_length().value_or(0) > options_.max_body_bytes) {
            out.ec = http::error::body_limit;
        }
        if (out.ec) {
            out.what = "read";
            return out;
        }
    }
    http::response<http::string_body> response = parser.release();
    out.keep_alive = response.keep_alive();
    out.response.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
        out.response.headers.emplace_back(std::string(field.name_string()),
                                          std::string(field.value()));
    }
    out.response.body = std::move(response.body());
    return out;
}

std::string BeastHttpClient::describe(const HttpUrl& url, const char* what,
                                      const beast::error_code& ec,
                                      const Connection* connection) const
{
    std::string message = host_header(url) + ": " + what + " failed: ";
    if (ec == beast::error::timeout) {
        return message + "timed out after " + std::to_string(options_.timeout.count()) + " ms";
    }
    if (ec == http::error::body_limit) {
        return message + "response body larger than " + std::to_string(options_.max_body_bytes) +
               " bytes";
    }
    message += ec.message();
    if (connection != nullptr && connection->secure) {
        const long verify = SSL_get_verify_result(connection->secure->native_handle());
        if (verify != X509_V_OK) {
            message += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
        }
    }
    return message;
}

std::expected<HttpResponse, std::string> BeastHttpClient::send(const HttpRequest& request)
{
    const Clock::time_point deadline = Clock::now() + options_.timeout;
    auto url = parse_http_url(request.url);
    if (!url) {
        return std::unexpected(url.error());
    }
    const http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) {
        return std::unexpected("unknown HTTP method \"" + request.method + "\"");
    }
    http::request<http::string_body> message{verb, url->target, 11};
    message.set(http::field::host, host_header(*url));
    message.set(http::field::user_agent, "ihpa");
    for (const auto& [name, value] : request.headers) {
        message.set(name, value);
    }
    message.body() = request.body;
    if (!request.body.empty()) {
        message.prepare_payload();
    }

    const std::string key = (url->tls ? "https://" : "http://") + host_header(*url);
    auto& slot = connections_[key];
    // A kept connection may have been closed by the peer while idle: retry once on a new one.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = slot != nullptr;
        if (!slot) {
            auto connection = connect(*url, deadline);
            if (!connection) {
                return std::unexpected(connection.error());
            }
            slot = std::move(*connection);
        }
        Exchange result = exchange(*slot, message, deadline);
        if (!result.ec) {
            if (!result.keep_alive) {
                slot.reset();
            }
            return std::move(result.response);
        }
        const std::unique_ptr<Connection> failed = std::move(slot);
        if (!(reused && !result.got_bytes && closed_by_peer(result.ec))) {
            return std::unexpected(describe(*url, result.what, result.ec, failed.get()));
        }
    }
    return std::unexpected(host_header(*url) + ": connection closed by the peer twice");
}

} // namespace

std::string HttpResponse::header(std::string_view name) const
{
    const auto found = std::find_if(headers.begin(), headers.end(),
                                    [&](const auto& field) { return iequals(field.first, name); });
    return found == headers.end() ? std::string() : found->second;
}

std::expected<HttpUrl, std::string> parse_http_url(std::string_view url)
{
    const auto bad = [&](const std::string& why) {
        return std::unexpected("invalid URL \"" + std::string(url) + "\": " + why);
    };
    HttpUrl out;
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return bad("expected http:// or https://");
    }
    const std::string_view scheme = url.substr(0, scheme_end);
    if (iequals(scheme, "https")) {
        out.tls = true;
    } else if (!iequals(scheme, "http")) {
        return bad("unsupported scheme \"" + std::string(scheme) + "\"");
    }
    std::string_view rest = url.substr(scheme_end + 3);
    const std::size_t authority_end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, authority_end);
    rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        return bad("credentials in the URL are not supported");
    }
    std::string_view port;
    if (authority.starts_with('[')) {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return bad("unterminated IPv6 address");
        }
        out.host = std::string(authority.substr(1, close - 1));
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) {
            return bad("unexpected text after the IPv6 address");
        }
        port = after.empty() ? after : after.substr(1);
        if (!is_ip_literal(out.host) || out.host.find(':') == std::string::npos) {
            return bad("invalid IPv6 address \"" + out.host + "\"");
        }
    } else {
        const std::size_t colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        port = colon == std::string_view::npos ? std::string_view() : authority.substr(colon + 1);
        if (port.find(':') != std::string_view::npos) {
            return bad("IPv6 addresses must be in brackets");
        }
    }
    if (out.host.empty()) {
        return bad("missing host");
    }
    if (port.empty() && authority.ends_with(':')) {
        return bad("empty port");
    }
    if (!port.empty()) {
        if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c)) != 0;
            }) || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
            return bad("invalid port \"" + std::string(port) + "\"");
        }
        out.port = std::string(port);
    } else {
        out.port = out.tls ? "443" : "80";
    }
    rest = rest.substr(0, rest.find('#'));
    out.target = rest.empty() || rest.starts_with('?') ? "/" + std::string(rest) : std::string(rest);
    return out;
}

std::expected<std::unique_ptr<HttpClient>, std::string>
make_http_client(const HttpClientOptions& options)
{
    ssl::context context(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    if (!options.ca_file.empty()) {
        context.load_verify_file(options.ca_file, ec);
        if (ec) {
            return std::unexpected("cannot load CA file " + options.ca_file + ": " + ec.message());
        }
    } else {
        context.set_default_verify_paths(ec);
        if (ec) {
            return std::unexpected("cannot load the system's CA certificates: " + ec.message());
        }
    }
    if (options.client_cert_file.empty() != options.client_key_file.empty()) {
        return std::unexpected("a client certificate needs both a certificate and a key file");
    }
    if (!options.client_cert_file.empty()) {
        context.use_certificate_chain_file(options.client_cert_file, ec);
        if (ec) {
            return std::unexpected("cannot load client certificate " + options.client_cert_file +
                                   ": " + ec.message());
        }
        context.use_private_key_file(options.client_key_file, ssl::context::pem, ec);
        if (ec) {
            return std::unexpected("cannot load client key " + options.client_key_file + ": " +
                                   ec.message());
        }
    }
    return std::make_unique<BeastHttpClient>(options, std::move(context));
}

} // namespace ihpa::adapter
