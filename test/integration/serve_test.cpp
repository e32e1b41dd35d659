// Drives the real `ihpa serve` binary over real TLS on 127.0.0.1.
#include "test/integration/serve_fixture.hpp"

#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

namespace ihpa::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ServeTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(Certificates::get().ok()) << "certs/make-certs.sh failed"; }

    ServeInstance start(const std::vector<std::string>& flags)
    {
        ServeInstance serve = start_serve(flags);
        EXPECT_NE(serve.port, 0) << serve.process->output();
        return serve;
    }
};

TEST_F(ServeTest, DemoServesTheReplayedTraceAsAnExternalMetric)
{
    auto serve = start(anonymous_serve_flags());
    ASSERT_NE(serve.port, 0);
    const auto response = https_get(serve.port, kDemoPath, {}, Certificates::get().client());
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << response->body;
    EXPECT_EQ(response->headers.at("content-type"), "application/json");
    const json doc = json::parse(response->body);
    EXPECT_EQ(doc["kind"], "ExternalMetricValueList");
    ASSERT_EQ(doc["items"].size(), 1U);
    EXPECT_EQ(doc["items"][0]["metricName"], "demo_requests");
    EXPECT_EQ(doc["items"][0]["metricLabels"]["app"], "demo");
    const std::string value = doc["items"][0]["value"];
    // The bundled trace ranges over roughly 100..400: a Quantity such as "153245m" or "201".
    const double parsed = std::stod(value) / (value.back() == 'm' ? 1000.0 : 1.0);
    EXPECT_GT(parsed, 50.0);
    EXPECT_LT(parsed, 1000.0);
    EXPECT_NE(serve.process->output().find("requests are NOT authenticated"), std::string::npos);
}

TEST_F(ServeTest, WithoutCertificateFlagsItServesASelfSignedCertificate)
{
    auto serve = start({});
    ASSERT_NE(serve.port, 0);
    const auto response = https_get(serve.port, "/apis/external.metrics.k8s.io/v1beta1");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_NE(serve.process->output().find("self-signed"), std::string::npos);
}

TEST_F(ServeTest, DiscoveryAndErrorCodesOverTheWire)
{
    auto serve = start(anonymous_serve_flags());
    ASSERT_NE(serve.port, 0);
    const auto client = Certificates::get().client();
    struct Case {
        std::string target;
        std::vector<std::string> headers;
        int status;
    };
    const std::string gv = "/apis/external.metrics.k8s.io/v1beta1";
    const std::vector<Case> cases = {
        {"/apis", {}, 200},
        {"/apis/external.metrics.k8s.io", {}, 200},
        {gv, {"Accept: application/vnd.kubernetes.protobuf, */*"}, 200},
        {gv + "/namespaces/kube-system/demo_requests?labelSelector=app%3Ddemo&timeout=20s", {}, 200},
        {gv + "/namespaces/default/demo_requests?labelSelector=app%3Dother", {}, 404},
        {gv + "/namespaces/default/unknown_metric", {}, 404},
        {gv + "/namespaces/default/demo_requests?labelSelector=app%3D%3D%3D", {}, 400},
        {gv, {"Accept: text/html"}, 406},
        {"/openapi/v2", {}, 404},
        {"/healthz", {}, 200},
        {"/readyz", {}, 200},
        {"/version", {}, 200},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.target);
        const auto response = https_get(serve.port, c.target, c.headers, client);
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, c.status) << response->body;
        if (c.status >= 400) {
            EXPECT_EQ(response->headers.at("content-type"), "application/json");
            EXPECT_EQ(json::parse(response->body)["code"], c.status);
        }
    }
    HttpsConnection post(serve.port, client);
    ASSERT_TRUE(post.send_get(gv, {}, "POST"));
    auto response = post.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 405);

    HttpsConnection big_body(serve.port, client);
    // The declared length alone exceeds the limit: the server answers before any body byte.
    ASSERT_TRUE(big_body.send_raw("POST " + gv + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"));
    response = big_body.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_EQ(json::parse(response->body)["reason"], "RequestEntityTooLarge");

    HttpsConnection big_headers(serve.port, client);
    ASSERT_TRUE(big_headers.send_get(gv, {"X-Padding: " + std::string(100000, 'y')}));
    response = big_headers.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);

    HttpsConnection head(serve.port, client);
    ASSERT_TRUE(head.send_get(gv, {}, "HEAD"));
    response = head.read_response(true);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(response->body.empty());
    EXPECT_NE(response->headers.at("content-length"), "0");
}

TEST_F(ServeTest, KeepAliveServesManyRequestsOnOneConnection)
{
    auto serve = start(anonymous_serve_flags());
    ASSERT_NE(serve.port, 0);
    HttpsConnection connection(serve.port, Certificates::get().client());
    ASSERT_TRUE(connection.connected()) << connection.error();
    for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(connection.send_get(kDemoPath, hpa_controller_headers()));
        const auto response = connection.read_response();
        ASSERT_TRUE(response) << "request " << i;
        ASSERT_EQ(response->status, 200);
    }
    // Pipelined: three requests in one write, three responses in order.
    ASSERT_TRUE(connection.send_raw(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") +
                                    "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n" +
                                    "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(connection.read_response()->status, 200);
    EXPECT_EQ(connection.read_response()->status, 404);
    EXPECT_EQ(connection.read_response()->status, 200);
    const auto metrics = https_get(serve.port, "/metrics", {}, Certificates::get().client());
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("ihpa_apiserver_requests_total{route=\"metric\",code=\"200\"} 200"),
              std::string::npos)
        << metrics->body;
}

TEST_F(ServeTest, ClientCertificatesAreAcceptedOrRejected)
{
    auto serve = start(authenticated_serve_flags());
    ASSERT_NE(serve.port, 0);
    const auto& certs = Certificates::get();
    const auto ok = https_get(serve.port, kDemoPath, hpa_controller_headers(), certs.client("front-proxy-client"));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << ok->body;

    struct Rejected {
        std::string cert;
        std::vector<std::string> headers;
        std::string reason;
    };
    const std::vector<Rejected> rejected = {
        {"", hpa_controller_headers(), "no client certificate"},
        {"other-client", hpa_controller_headers(), "not an allowed name"},
        {"rogue-client", hpa_controller_headers(), "not signed by the request-header CA"},
        {"server-only", hpa_controller_headers(), "not valid for client authentication"},
        {"front-proxy-client", {"Accept: */*"}, "no X-Remote-User"},
    };
    for (const auto& r : rejected) {
        SCOPED_TRACE(r.cert + " / " + r.reason);
        const auto response = https_get(serve.port, kDemoPath, r.headers, certs.client(r.cert));
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 401);
        const json status = json::parse(response->body);
        EXPECT_EQ(status["reason"], "Unauthorized");
        EXPECT_NE(status["message"].get<std::string>().find(r.reason), std::string::npos) << status;
    }
    const auto health = https_get(serve.port, "/healthz", {}, certs.client());
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
}

TEST_F(ServeTest, ClientCaCertificatesAuthenticateDirectClientsAsTheirOwnUser)
{
    const auto& certs = Certificates::get();
    std::vector<std::string> flags = authenticated_serve_flags();
    flags.insert(flags.end(), {"--client-ca-file", certs.file("client-ca.crt"), "-v", "2"});
    auto serve = start(flags);
    ASSERT_NE(serve.port, 0);

    // The aggregator's certificate still authenticates the X-Remote-* identity.
    const auto proxied = https_get(serve.port, kDemoPath, hpa_controller_headers(), certs.client("front-proxy-client"));
    ASSERT_TRUE(proxied);
    EXPECT_EQ(proxied->status, 200) << proxied->body;

    // A certificate of the client CA is the user of its CN; X-Remote-* headers it sends are
    // not believed (only the front proxy may assert another identity).
    const auto direct = https_get(serve.port, kDemoPath, {"X-Remote-User: system:admin"}, certs.client("alice"));
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->status, 200) << direct->body;
    EXPECT_TRUE(serve.process->wait_for_output(std::string("GET ") + kDemoPath + " 200 user=alice "))
        << serve.process->output();
    EXPECT_EQ(serve.process->output().find("user=system:admin"), std::string::npos) << serve.process->output();

    const auto rogue = https_get(serve.port, kDemoPath, {}, certs.client("rogue-client"));
    ASSERT_TRUE(rogue);
    EXPECT_EQ(rogue->status, 401);
    const std::string message = json::parse(rogue->body)["message"];
    EXPECT_NE(message.find("not signed by the request-header CA"), std::string::npos) << message;
    EXPECT_NE(message.find("not signed by the client CA"), std::string::npos) << message;

    const auto none = https_get(serve.port, kDemoPath, {"Authorization: Bearer abc"}, certs.client());
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401) << "bearer tokens are only reviewed with cluster credentials";
}

TEST_F(ServeTest, OldTlsVersionsAreRefused)
{
    auto serve = start(anonymous_serve_flags());
    ASSERT_NE(serve.port, 0);
    TlsClientOptions old;
    old.max_tls_version = TLS1_1_VERSION;
    HttpsConnection connection(serve.port, old);
    EXPECT_FALSE(connection.connected());
    const auto metrics = https_get(serve.port, "/metrics", {}, Certificates::get().client());
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->body.find("ihpa_apiserver_tls_handshake_errors_total 0"), std::string::npos);
}

TEST_F(ServeTest, SigtermFinishesInFlightRequestsAndExitsZero)
{
    auto serve = start(anonymous_serve_flags());
    ASSERT_NE(serve.port, 0);
    const auto client = Certificates::get().client();
    HttpsConnection busy(serve.port, client);
    HttpsConnection idle(serve.port, client);
    ASSERT_TRUE(busy.send_get("/healthz"));
    ASSERT_TRUE(busy.read_response());
    ASSERT_TRUE(idle.send_get("/healthz"));
    ASSERT_TRUE(idle.read_response());

    ASSERT_TRUE(busy.send_get(kDemoPath));
    serve.process->send_signal(SIGTERM);
    const auto response = busy.read_response();
    ASSERT_TRUE(response) << serve.process->output();
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(busy.wait_closed());
    EXPECT_TRUE(idle.wait_closed());
    EXPECT_EQ(serve.process->wait_exit(20s), 0) << serve.process->output();
    EXPECT_NE(serve.process->output().find("shutting down"), std::string::npos);
}

TEST_F(ServeTest, ARequestTrickledInIsClosedAtTheRequestTimeoutNotTheIdleTimeout)
{
    // Slowloris: a request's first byte, then nothing. The wait for a request may last the idle
    // timeout (90 s); once a byte of it has arrived, the request timeout bounds the rest.
    std::vector<std::string> flags = anonymous_serve_flags();
    flags.insert(flags.end(), {"--request-timeout", "1s"});
    auto serve = start(flags);
    ASSERT_NE(serve.port, 0);
    const auto client = Certificates::get().client();
    HttpsConnection first(serve.port, client);
    ASSERT_TRUE(first.connected()) << first.error();
    ASSERT_TRUE(first.send_raw("G"));
    EXPECT_TRUE(first.wait_closed()) << "still open 10 s after a 1 s request timeout";

    // The same for the next request on a kept-alive connection.
    HttpsConnection kept(serve.port, client);
    ASSERT_TRUE(kept.send_get("/healthz"));
    const auto response = kept.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    ASSERT_TRUE(kept.send_raw("GET /hea"));
    EXPECT_TRUE(kept.wait_closed()) << "still open 10 s after a 1 s request timeout";

    const auto health = https_get(serve.port, "/healthz", {}, client);
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
}

TEST_F(ServeTest, ATransferEncodingThatDoesNotEndInChunkedIs400AndClosesTheConnection)
{
    // The body's length is unknown (RFC 9112 §6.3): a proxy in front could take what follows for
    // a request of its own, so the server must not answer the request nor read on.
    auto serve = start(anonymous_serve_flags());
    ASSERT_NE(serve.port, 0);
    const auto client = Certificates::get().client();
    for (const std::string coding : {"gzip", "gzip, chunked, identity"}) {
        SCOPED_TRACE(coding);
        HttpsConnection connection(serve.port, client);
        ASSERT_TRUE(connection.send_raw("GET /apis HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding +
                                        "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        const auto response = connection.read_response();
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 400) << response->body;
        EXPECT_NE(response->body.find("Transfer-Encoding must end with chunked"), std::string::npos)
            << response->body;
        EXPECT_FALSE(connection.read_response()) << "the request after it was answered";
    }
}

TEST_F(ServeTest, KubectlGetRawWorksAgainstTheServer)
{
    if (!have_program("kubectl")) {
        GTEST_SKIP() << "kubectl is not installed";
    }
    auto serve = start(anonymous_serve_flags());
    ASSERT_NE(serve.port, 0);
    TempDir dir;
    const std::string kubeconfig = write_kubeconfig(dir.path(), serve.port);
    ChildProcess kubectl({"kubectl", "--kubeconfig", kubeconfig, "get", "--raw", kDemoPath});
    ASSERT_EQ(kubectl.wait_exit(60s), 0) << kubectl.output();
    const json doc = json::parse(kubectl.output());
    EXPECT_EQ(doc["items"][0]["metricName"], "demo_requests");
    ChildProcess missing({"kubectl", "--kubeconfig", kubeconfig, "get", "--raw",
                          "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/nope"});
    EXPECT_EQ(missing.wait_exit(60s), 1);
    EXPECT_NE(missing.output().find("NotFound"), std::string::npos) << missing.output();
}

TEST_F(ServeTest, BadFlagsAndConfigurationsFailWithAPreciseMessage)
{
    ChildProcess port({ihpa_binary(), "serve", "--secure-port", "99999"});
    EXPECT_EQ(port.wait_exit(30s), 1);
    EXPECT_NE(port.output().find("--secure-port 99999 must be between 0 and 65535"), std::string::npos)
        << port.output();

    ChildProcess timeout({ihpa_binary(), "serve", "--secure-port", "0", "--request-timeout", "0s"});
    EXPECT_EQ(timeout.wait_exit(30s), 1);
    EXPECT_NE(timeout.output().find("--request-timeout: must be longer than 0s"), std::string::npos)
        << timeout.output();

    TempDir dir;
    const std::string config = dir.path() + "/bad.yaml";
    std::ofstream(config) << "sources:\n  - name: a\n    replay: {file: missing.csv}\nmetrics: []\nextra: 1\n";
    ChildProcess bad({ihpa_binary(), "serve", "--secure-port", "0", "--config", config});
    EXPECT_EQ(bad.wait_exit(30s), 1);
    EXPECT_NE(bad.output().find(config + ":5: unknown key \"extra\""), std::string::npos) << bad.output();

    const std::string dangling = dir.path() + "/dangling.yaml";
    std::ofstream(dangling) << "sources:\n  - name: a\n    replay: {file: missing.csv}\nmetrics: []\n";
    ChildProcess missing({ihpa_binary(), "serve", "--secure-port", "0", "--config", dangling});
    EXPECT_EQ(missing.wait_exit(30s), 1);
    const std::string unreadable = dangling + ":2: source a: " + dir.path() +
                                   "/missing.csv: cannot open file (No such file or directory)";
    EXPECT_NE(missing.output().find(unreadable), std::string::npos) << missing.output();

    ChildProcess cert({ihpa_binary(), "serve", "--secure-port", "0", "--tls-cert-file",
                       dir.path() + "/none.crt", "--tls-private-key-file", dir.path() + "/none.key"});
    EXPECT_EQ(cert.wait_exit(30s), 1);
    const std::string no_cert =
        "--tls-cert-file: " + dir.path() + "/none.crt: cannot open file (No such file or directory)";
    EXPECT_NE(cert.output().find(no_cert), std::string::npos) << cert.output();
}

/// A plain TCP connection for sending bytes that are not TLS at all.
int tcp_connect(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

TEST_F(ServeTest, ThousandMalformedRequestsGet4xxOrACleanCloseAndTheServerSurvives)
{
    auto serve = start(anonymous_serve_flags());
    ASSERT_NE(serve.port, 0);
    const auto client = Certificates::get().client();
    const std::vector<std::string> malformed = {
        "GARBAGE\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET /apis HTTP/1.1\r\nNo-Colon-Header\r\n\r\n",
        "GET /apis/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests?labelSelector=\xc3\x28 "
        "HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests?labelSelector=a%3D\xff "
        "HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /apis HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(80000, 'z') + "\r\n\r\n",
        "GET /apis HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "GET /apis HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        std::string("\x00\x01\x02\x03\r\n\r\n", 8),
        "GET /apis HTTP/1.1\r\n" + std::string(200, '\n'),
    };
    int answered = 0;
    int closed = 0;
    for (int i = 0; i < 1000; ++i) {
        const int kind = i % 14;
        if (kind < static_cast<int>(malformed.size())) {
            HttpsConnection connection(serve.port, client);
            ASSERT_TRUE(connection.connected()) << i << ": " << connection.error();
            connection.send_raw(malformed[static_cast<std::size_t>(kind)]);
            if (const auto response = connection.read_response()) {
                EXPECT_GE(response->status, 400) << i;
                EXPECT_LT(response->status, 500) << i;
                ++answered;
            } else {
                ++closed;
            }
        } else {
            // Not TLS, or a TLS handshake cut short.
            const int fd = tcp_connect(serve.port);
            ASSERT_GE(fd, 0);
            const std::string bytes = kind == 12 ? std::string("GET / HTTP/1.1\r\n\r\n")
                                                 : std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
            ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
            ::shutdown(fd, SHUT_WR);
            char buf[512];
            while (::read(fd, buf, sizeof buf) > 0) {
            }
            ::close(fd);
            ++closed;
        }
    }
    EXPECT_GT(answered, 500);
    EXPECT_GT(closed, 100);
    const auto after = https_get(serve.port, kDemoPath, {}, client);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);
}

} // namespace
} // namespace ihpa::test
