// The libcurl client against the in-process test server, plain and TLS.
#include "net/http_client.hpp"

#include "test/fakes/gate.hpp"
#include "test/fakes/test_http_server.hpp"
#include "test/integration/serve_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ihpa::net {
namespace {

using test::Responder;
using test::ServerRequest;
using test::TestHttpServer;

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

test::ServerTls server_tls()
{
    const auto& certs = test::Certificates::get();
    return {certs.file("serving.crt"), certs.file("serving.key"), certs.file("front-proxy-ca.crt")};
}

std::unique_ptr<HttpClient> client_with(const HttpClientOptions& options)
{
    auto client = make_http_client(options);
    EXPECT_TRUE(client) << client.error();
    return client ? std::move(*client) : nullptr;
}

/// Echoes the request: method, path, the header X-Echo, the body.
void echo(const ServerRequest& request, Responder& responder)
{
    responder.respond(201, request.method + " " + request.target + " " + request.header("X-Echo") +
                               " " + request.body,
                      "text/plain", {{"X-Served-By", "test"}});
}

TEST(HttpClient, SendsTheRequestAndReturnsStatusHeadersAndBody)
{
    TestHttpServer server(echo);
    auto client = client_with({});
    const auto response = client->send({"POST", server.url() + "/a/b?c=d", {{"X-Echo", "hi"}}, "{}"});
    ASSERT_TRUE(response) << response.error();
    EXPECT_EQ(response->status, 201);
    EXPECT_EQ(response->body, "POST /a/b?c=d hi {}");
    EXPECT_EQ(response->header("x-served-by"), "test");
    EXPECT_EQ(response->header("Content-Type"), "text/plain");
}

TEST(HttpClient, KeepsOneConnectionAliveAcrossRequests)
{
    TestHttpServer server(echo);
    auto client = client_with({});
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(client->send({"GET", server.url() + "/", {}, ""}));
    }
    EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, ReconnectsWhenTheServerClosedTheKeptConnection)
{
    TestHttpServer server([](const ServerRequest& request, Responder& responder) {
        if (request.target == "/close") {
            responder.close_connection();
        }
        responder.respond(200, "ok");
    });
    auto client = client_with({});
    ASSERT_TRUE(client->send({"GET", server.url() + "/close", {}, ""}));
    const auto again = client->send({"GET", server.url() + "/", {}, ""});
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(again->status, 200);
    EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, AsksTheTokenSupplierBeforeEveryRequest)
{
    std::vector<std::string> seen;
    TestHttpServer server([&seen](const ServerRequest& request, Responder& responder) {
        seen.push_back(request.header("Authorization"));
        responder.respond(200, "");
    });
    int calls = 0;
    HttpClientOptions options;
    options.bearer_token = [&calls]() -> std::expected<std::string, std::string> {
        ++calls;
        if (calls == 3) {
            return std::unexpected("token file /t is empty");
        }
        return "token-" + std::to_string(calls);
    };
    auto client = client_with(options);
    ASSERT_TRUE(client->send({"GET", server.url() + "/", {}, ""}));
    ASSERT_TRUE(client->send({"GET", server.url() + "/", {}, ""}));
    const auto failed = client->send({"GET", server.url() + "/", {}, ""});
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error(), "127.0.0.1:" + std::to_string(server.port()) +
                                  ": bearer token: token file /t is empty");
    EXPECT_EQ(seen, (std::vector<std::string>{"Bearer token-1", "Bearer token-2"}));
}

TEST(HttpClient, RefusesBodiesAboveTheLimit)
{
    TestHttpServer server([](const ServerRequest& request, Responder& responder) {
        if (request.target == "/chunked") {
            responder.start_stream(200);
            responder.write(std::string(600, 'x'));
            responder.write(std::string(600, 'x'));
            return;
        }
        responder.respond(200, std::string(2000, 'x'));
    });
    HttpClientOptions options;
    options.max_body_bytes = 1000;
    auto client = client_with(options);
    for (const char* path : {"/declared", "/chunked"}) {
        SCOPED_TRACE(path);
        const auto response = client->send({"GET", server.url() + path, {}, ""});
        ASSERT_FALSE(response);
        EXPECT_NE(response.error().find("read failed: response body larger than 1000 bytes"),
                  std::string::npos)
            << response.error();
    }
}

TEST(HttpClient, TimesOutASlowAnswer)
{
    test::Gate release;
    TestHttpServer server([&release](const ServerRequest&, Responder& responder) {
        release.wait();
        responder.respond(200, "late");
    });
    HttpClientOptions options;
    options.timeout = std::chrono::milliseconds(300);
    auto client = client_with(options);
    const auto response = client->send({"GET", server.url() + "/", {}, ""});
    release.open();
    ASSERT_FALSE(response);
    EXPECT_NE(response.error().find("read failed: timed out after 300 ms"), std::string::npos)
        << response.error();
}

TEST(HttpClient, NamesTheServerWhenTheConnectionIsRefused)
{
    int port = 0;
    {
        TestHttpServer gone(echo);
        port = gone.port();
    }
    auto client = client_with({});
    const auto response = client->send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, ""});
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error(), "127.0.0.1:" + std::to_string(port) + ": connect failed: Connection refused");
}

TEST(HttpClient, RejectsBadMethodsAndUrls)
{
    auto client = client_with({});
    EXPECT_EQ(client->send({"get", "http://h/", {}, ""}).error(), "unknown HTTP method \"get\"");
    EXPECT_EQ(client->send({"GET", "ftp://h/", {}, ""}).error(),
              "invalid URL \"ftp://h/\": unsupported scheme \"ftp\" (expected http or https)");
}

TEST(HttpClient, VerifiesTheServerWithACaFileOrCaData)
{
    const auto& certs = test::Certificates::get();
    ASSERT_TRUE(certs.ok());
    TestHttpServer server(echo, server_tls());
    const std::string url = "https://localhost:" + std::to_string(server.port()) + "/";
    HttpClientOptions by_file;
    by_file.tls.ca.file = certs.file("serving-ca.crt");
    HttpClientOptions by_data;
    by_data.tls.ca.data = read_file(certs.file("serving-ca.crt"));
    for (const auto* options : {&by_file, &by_data}) {
        const auto response = client_with(*options)->send({"GET", url, {}, ""});
        ASSERT_TRUE(response) << response.error();
        EXPECT_EQ(response->status, 201);
    }
}

TEST(HttpClient, RejectsAServerSignedByAnotherCaUnlessVerificationIsSkipped)
{
    const auto& certs = test::Certificates::get();
    ASSERT_TRUE(certs.ok());
    TestHttpServer server(echo, server_tls());
    const std::string url = "https://localhost:" + std::to_string(server.port()) + "/";
    HttpClientOptions wrong_ca;
    wrong_ca.tls.ca.file = certs.file("rogue-ca.crt");
    const auto rejected = client_with(wrong_ca)->send({"GET", url, {}, ""});
    ASSERT_FALSE(rejected);
    EXPECT_NE(rejected.error().find("TLS handshake failed: certificate verify failed"),
              std::string::npos)
        << rejected.error();
    HttpClientOptions insecure = wrong_ca;
    insecure.tls.insecure_skip_verify = true;
    const auto accepted = client_with(insecure)->send({"GET", url, {}, ""});
    EXPECT_TRUE(accepted) << accepted.error();
}

TEST(HttpClient, PresentsAClientCertificateFromFilesOrPemData)
{
    const auto& certs = test::Certificates::get();
    ASSERT_TRUE(certs.ok());
    std::string cn;
    TestHttpServer server(
        [&cn](const ServerRequest& request, Responder& responder) {
            cn = request.client_cert_cn;
            responder.respond(200, "");
        },
        server_tls());
    const std::string url = "https://localhost:" + std::to_string(server.port()) + "/";
    HttpClientOptions files;
    files.tls.ca.file = certs.file("serving-ca.crt");
    files.tls.client_cert.file = certs.file("front-proxy-client.crt");
    files.tls.client_key.file = certs.file("front-proxy-client.key");
    ASSERT_TRUE(client_with(files)->send({"GET", url, {}, ""}));
    EXPECT_EQ(cn, "front-proxy-client");
    cn.clear();
    HttpClientOptions data;
    data.tls.ca.file = certs.file("serving-ca.crt");
    data.tls.client_cert.data = read_file(certs.file("other-client.crt"));
    data.tls.client_key.data = read_file(certs.file("other-client.key"));
    ASSERT_TRUE(client_with(data)->send({"GET", url, {}, ""}));
    EXPECT_EQ(cn, "other-client");
}

TEST(HttpClient, RefusesUnusableTlsMaterialAtCreation)
{
    const auto& certs = test::Certificates::get();
    ASSERT_TRUE(certs.ok());
    struct Case {
        const char* name;
        TlsOptions tls;
        std::string error;
    };
    const std::vector<Case> cases{
        {"missing CA file", {{"/nonexistent/ca.crt", ""}, {}, {}, false},
         "cannot read CA /nonexistent/ca.crt"},
        {"CA data that is not PEM", {{"", "garbage"}, {}, {}, false},
         "invalid CA (inline data): not a PEM certificate (no start line)"},
        {"certificate without key", {{}, {certs.file("front-proxy-client.crt"), ""}, {}, false},
         "a client certificate needs both a certificate and a key"},
        {"key that is a certificate",
         {{}, {certs.file("front-proxy-client.crt"), ""}, {certs.file("front-proxy-client.crt"), ""}, false},
         "invalid client key (" + certs.file("front-proxy-client.crt") + "): not an unencrypted PEM private key (unsupported)"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        HttpClientOptions options;
        options.tls = c.tls;
        const auto client = make_http_client(options);
        ASSERT_FALSE(client);
        EXPECT_EQ(client.error(), c.error);
    }
}

} // namespace
} // namespace ihpa::net
