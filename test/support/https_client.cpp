#include "test/support/https_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace ihpa::test {
namespace {

constexpr int kTimeoutMs = 10'000;

SSL* as_ssl(void* p) { return static_cast<SSL*>(p); }
SSL_CTX* as_ctx(void* p) { return static_cast<SSL_CTX*>(p); }

std::string ssl_error()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

} // namespace

HttpsConnection::HttpsConnection(int port, const TlsClientOptions& options)
{
    // A server may close while a test is still writing (e.g. after answering 413): that must
    // show up as a failed write, not kill the test binary.
    ::signal(SIGPIPE, SIG_IGN);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        error_ = "connect failed";
        return;
    }
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    ctx_ = ctx;
    if (options.max_tls_version != 0) {
        SSL_CTX_set_min_proto_version(ctx, 0);
        SSL_CTX_set_max_proto_version(ctx, options.max_tls_version);
        SSL_CTX_set_security_level(ctx, 0);
    }
    if (!options.ca_file.empty()) {
        SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    }
    if (!options.cert_file.empty()) {
        if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
            error_ = "cannot load client certificate: " + ssl_error();
            return;
        }
    }
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd_);
    SSL_set_tlsext_host_name(ssl, options.server_name.c_str());
    if (!options.ca_file.empty()) {
        SSL_set1_host(ssl, options.server_name.c_str());
    }
    timeval tv{kTimeoutMs / 1000, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (SSL_connect(ssl) != 1) {
        error_ = "TLS handshake failed: " + ssl_error();
        SSL_free(ssl);
        return;
    }
    ssl_ = ssl;
}

HttpsConnection::~HttpsConnection()
{
    if (ssl_ != nullptr) {
        SSL_free(as_ssl(ssl_));
    }
    if (ctx_ != nullptr) {
        SSL_CTX_free(as_ctx(ctx_));
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool HttpsConnection::send_raw(const std::string& bytes)
{
    if (ssl_ == nullptr) {
        return false;
    }
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const int n = SSL_write(as_ssl(ssl_), bytes.data() + sent,
                                static_cast<int>(std::min<std::size_t>(bytes.size() - sent, 1 << 20)));
        if (n <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

bool HttpsConnection::send_get(const std::string& target, const std::vector<std::string>& headers,
                               const std::string& method)
{
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
    for (const auto& header : headers) {
        request += header + "\r\n";
    }
    request += "\r\n";
    return send_raw(request);
}

bool HttpsConnection::fill()
{
    if (ssl_ == nullptr) {
        return false;
    }
    char chunk[16384];
    const int n = SSL_read(as_ssl(ssl_), chunk, sizeof chunk);
    if (n <= 0) {
        return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<HttpResponse> HttpsConnection::read_response(bool head)
{
    std::size_t end = 0;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill()) {
            return std::nullopt;
        }
    }
    HttpResponse response;
    const std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12) {
        return std::nullopt;
    }
    response.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
        const std::size_t next = head_text.find("\r\n", line_end + 2);
        const std::string line = head_text.substr(line_end + 2, next - line_end - 2);
        line_end = next;
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        auto& slot = response.headers[name];
        slot += slot.empty() ? value : ", " + value;
    }
    std::size_t length = 0;
    if (!head && response.headers.contains("content-length")) {
        length = std::stoul(response.headers["content-length"]);
    }
    while (buffer_.size() < length) {
        if (!fill()) {
            return std::nullopt;
        }
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
}

bool HttpsConnection::wait_closed()
{
    if (ssl_ == nullptr) {
        return true;
    }
    while (true) {
        pollfd pfd{fd_, POLLIN, 0};
        if (SSL_pending(as_ssl(ssl_)) == 0 && ::poll(&pfd, 1, kTimeoutMs) <= 0) {
            return false;
        }
        char chunk[4096];
        const int n = SSL_read(as_ssl(ssl_), chunk, sizeof chunk);
        if (n <= 0) {
            return true;
        }
    }
}

std::optional<HttpResponse> https_get(int port, const std::string& target,
                                      const std::vector<std::string>& headers,
                                      const TlsClientOptions& options)
{
    HttpsConnection connection(port, options);
    if (!connection.connected() || !connection.send_get(target, headers)) {
        return std::nullopt;
    }
    return connection.read_response();
}

} // namespace ihpa::test
