#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::test {

/// A parsed HTTP/1.1 response (header names lowercased; repeated headers joined with ", ").
struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
};

/// Client-side TLS settings for test connections.
struct TlsClientOptions {
    std::string ca_file;          ///< verify the server against this CA; empty = no verification
    std::string cert_file;        ///< client certificate to present, if any
    std::string key_file;
    std::string server_name = "localhost"; ///< SNI and hostname check when verifying
    int max_tls_version = 0;      ///< e.g. TLS1_1_VERSION to offer only old protocols; 0 = default
};

/// A blocking TLS connection to 127.0.0.1:port made with OpenSSL directly, so tests can send
/// exact bytes (malformed requests included) and read exact responses. Every read has a 10 s
/// timeout so a misbehaving server fails the test instead of hanging it.
class HttpsConnection {
public:
    /// Connects and handshakes; `error()` tells why when `connected()` is false.
    HttpsConnection(int port, const TlsClientOptions& options = {});
    ~HttpsConnection();
    HttpsConnection(const HttpsConnection&) = delete;
    HttpsConnection& operator=(const HttpsConnection&) = delete;

    [[nodiscard]] bool connected() const { return ssl_ != nullptr; }
    [[nodiscard]] const std::string& error() const { return error_; }

    /// Sends raw bytes; false when the connection is gone.
    bool send_raw(const std::string& bytes);
    /// Sends `GET target` with `headers` ("Name: value" lines) on this connection.
    bool send_get(const std::string& target, const std::vector<std::string>& headers = {},
                  const std::string& method = "GET");
    /// Reads one response; nullopt when the server closed the connection (or timed out) first.
    /// `head` = the request was HEAD (no body follows the headers).
    std::optional<HttpResponse> read_response(bool head = false);
    /// True when the server has closed the connection (clean close or reset) within 10 s.
    bool wait_closed();

private:
    bool fill();
    int fd_ = -1;
    void* ctx_ = nullptr;
    void* ssl_ = nullptr;
    std::string buffer_;
    std::string error_;
};

/// One request on a fresh connection.
std::optional<HttpResponse> https_get(int port, const std::string& target,
                                      const std::vector<std::string>& headers = {},
                                      const TlsClientOptions& options = {});

} // namespace ihpa::test
