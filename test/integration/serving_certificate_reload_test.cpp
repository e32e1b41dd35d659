// A rotated serving certificate is taken into use by the real `ihpa serve` binary without a
// restart: new handshakes see the new certificate, a connection opened before keeps working.
#include "test/integration/serve_fixture.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ihpa::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// The subject CN of the certificate the server presents on a fresh handshake ("" on failure).
std::string served_common_name(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string cn;
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
        SSL_set_fd(ssl, fd) == 1 && SSL_connect(ssl) == 1) {
        if (X509* peer = SSL_get0_peer_certificate(ssl)) {
            char name[256] = {};
            X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name, sizeof name);
            cn = name;
        }
        SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return cn;
}

/// Polls fresh handshakes until the server presents `cn`, for at most 30 s.
bool eventually_serves(int port, const std::string& cn)
{
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < until) {
        if (served_common_name(port) == cn) {
            return true;
        }
        std::this_thread::sleep_for(100ms); // polling interval of an observation, not a sync
    }
    return false;
}

void copy_text(const fs::path& from, const fs::path& to)
{
    std::ifstream in(from);
    std::ofstream out(to);
    out << in.rdbuf();
}

/// A directory laid out like a mounted Kubernetes Secret: tls.crt -> ..data/tls.crt and
/// ..data -> a versioned directory, replaced by renaming a new ..data symlink over it.
class SecretVolume {
public:
    [[nodiscard]] std::string cert_file() const { return (root() / "tls.crt").string(); }
    [[nodiscard]] std::string key_file() const { return (root() / "tls.key").string(); }

    /// Publishes a new version holding `cert`/`key` atomically, as the kubelet does.
    void publish(const fs::path& cert, const fs::path& key)
    {
        const std::string version = "..v" + std::to_string(++versions_);
        fs::create_directory(root() / version);
        copy_text(cert, root() / version / "tls.crt");
        copy_text(key, root() / version / "tls.key");
        fs::create_directory_symlink(version, root() / "..data_tmp");
        fs::rename(root() / "..data_tmp", root() / "..data");
        if (versions_ == 1) {
            fs::create_symlink("..data/tls.crt", cert_file());
            fs::create_symlink("..data/tls.key", key_file());
        } else {
            fs::remove_all(root() / ("..v" + std::to_string(versions_ - 1)));
        }
    }

private:
    [[nodiscard]] fs::path root() const { return dir_.path(); }
    TempDir dir_;
    int versions_ = 0;
};

TEST(ServingCertificateReloadTest, ARotatedSecretIsServedToNewConnectionsWithoutARestart)
{
    const auto& certs = Certificates::get();
    ASSERT_TRUE(certs.ok()) << "certs/make-certs.sh failed";
    TempDir rotated;
    const std::string make_certs = std::string(IHPA_SOURCE_DIR) + "/certs/make-certs.sh " +
                                   rotated.path() + " --service rotated >/dev/null";
    ASSERT_EQ(std::system(make_certs.c_str()), 0);
    const fs::path rotated_dir = rotated.path();

    SecretVolume volume;
    volume.publish(certs.file("serving.crt"), certs.file("serving.key"));
    auto serve = start_serve({"--tls-cert-file", volume.cert_file(), "--tls-private-key-file",
                              volume.key_file()});
    ASSERT_NE(serve.port, 0) << serve.process->output();
    ASSERT_EQ(served_common_name(serve.port), "ihpa.ihpa-system.svc");

    HttpsConnection before(serve.port, certs.client());
    ASSERT_TRUE(before.connected()) << before.error();
    ASSERT_TRUE(before.send_get("/apis"));
    const auto first = before.read_response();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);

    // Half a rotation: the new certificate with the old key. It is rejected, A stays.
    volume.publish(rotated_dir / "serving.crt", certs.file("serving.key"));
    ASSERT_TRUE(serve.process->wait_for_output("cannot reload the serving certificate", 30s))
        << serve.process->output();
    EXPECT_EQ(served_common_name(serve.port), "ihpa.ihpa-system.svc");

    volume.publish(rotated_dir / "serving.crt", rotated_dir / "serving.key");
    ASSERT_TRUE(eventually_serves(serve.port, "rotated.ihpa-system.svc")) << serve.process->output();
    EXPECT_NE(serve.process->output().find("serving certificate reloaded"), std::string::npos);

    ASSERT_TRUE(before.send_get("/apis"));
    const auto second = before.read_response();
    ASSERT_TRUE(second) << "the connection opened before the rotation was dropped";
    EXPECT_EQ(second->status, 200);

    TlsClientOptions rotated_client;
    rotated_client.ca_file = (rotated_dir / "serving-ca.crt").string();
    const auto metrics = https_get(serve.port, "/metrics", {}, rotated_client);
    ASSERT_TRUE(metrics) << "a fresh connection does not verify against the rotated CA";
    EXPECT_NE(metrics->body.find("\nihpa_serving_certificate_reloads_total 1\n"), std::string::npos);
    // At least the half rotation; a check racing the removal of an old version may add one.
    EXPECT_EQ(metrics->body.find("\nihpa_serving_certificate_reload_failures_total 0\n"),
              std::string::npos)
        << metrics->body;
    EXPECT_NE(metrics->body.find("\nihpa_serving_certificate_expiry_timestamp_seconds "),
              std::string::npos);
}

} // namespace
} // namespace ihpa::test
