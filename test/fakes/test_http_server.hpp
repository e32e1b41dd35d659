#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ihpa::test {

/// One request as the test server received it.
struct ServerRequest {
    std::string method;
    std::string target; ///< path and query as sent
    std::string path;   ///< decoded path
    std::map<std::string, std::string> query; ///< decoded query parameters (last one wins)
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int connection = 0;          ///< 1, 2, ...: which accepted connection carried it
    std::string client_cert_cn;  ///< CN of the verified client certificate, or empty

    /// The first header named `name` (case-insensitive), or empty.
    [[nodiscard]] std::string header(std::string_view name) const;
};

/// How a handler answers: either respond() once, or start_stream() then write() chunks
/// (sent with chunked encoding as they are written) until it returns.
class Responder {
public:
    virtual ~Responder() = default;
    /// Sends a complete answer.
    virtual void respond(int status, std::string body, std::string content_type = "application/json",
                         std::vector<std::pair<std::string, std::string>> headers = {}) = 0;
    /// Sends the status line and headers of a chunked answer.
    virtual void start_stream(int status, std::string content_type = "application/json") = 0;
    /// Sends one chunk; false when the client is gone or the server is stopping.
    virtual bool write(std::string_view chunk) = 0;
    /// Closes the connection after this answer (or right away, dropping a stream, when called
    /// after start_stream()).
    virtual void close_connection() = 0;
};

/// Answers one request. Runs on the connection's thread; may block (a watch) but must return
/// once Responder::write() fails or the server is stopping.
using ServerHandler = std::function<void(const ServerRequest&, Responder&)>;

/// TLS material of the test server (PEM files).
struct ServerTls {
    std::string cert_file;
    std::string key_file;
    std::string client_ca_file; ///< when set, client certificates are verified (not required)
};

/// An HTTP/1.1 server on 127.0.0.1 with an ephemeral port, plain or TLS, one thread per
/// connection, keep-alive. For tests only (the one test file that includes Beast).
class TestHttpServer {
public:
    /// Starts serving; `tls` empty: plain HTTP.
    TestHttpServer(ServerHandler handler, const ServerTls& tls = {});
    /// Stops: closes the listener and every connection, joins the threads.
    ~TestHttpServer();
    TestHttpServer(const TestHttpServer&) = delete;
    TestHttpServer& operator=(const TestHttpServer&) = delete;

    /// The bound port.
    [[nodiscard]] int port() const;
    /// "http(s)://127.0.0.1:<port>".
    [[nodiscard]] std::string url() const;
    /// Connections accepted so far.
    [[nodiscard]] int connections() const;
    /// True once stopping started (handlers blocked in a stream should return).
    [[nodiscard]] bool stopping() const;
    /// Closes every open connection now (a dropped stream or kept-alive connection).
    void drop_connections();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace ihpa::test
