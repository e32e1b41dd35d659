#pragma once

#include "test/support/child_process.hpp"
#include "test/support/https_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace ihpa::test {

/// Certificates made once per test binary by certs/make-certs.sh --test.
class Certificates {
public:
    static const Certificates& get()
    {
        static const Certificates certs;
        return certs;
    }
    [[nodiscard]] std::string file(const std::string& name) const { return dir_.path() + "/" + name; }
    [[nodiscard]] bool ok() const { return ok_; }
    /// Client options presenting certificate `name` (e.g. "front-proxy-client"), verifying the server.
    [[nodiscard]] TlsClientOptions client(const std::string& name = "") const
    {
        TlsClientOptions options;
        options.ca_file = file("serving-ca.crt");
        options.server_name = "localhost";
        if (!name.empty()) {
            options.cert_file = file(name + ".crt");
            options.key_file = file(name + ".key");
        }
        return options;
    }

private:
    Certificates()
    {
        const std::string command = std::string(IHPA_SOURCE_DIR) + "/certs/make-certs.sh " +
                                    dir_.path() + " --test >/dev/null";
        ok_ = std::system(command.c_str()) == 0;
    }
    TempDir dir_;
    bool ok_ = false;
};

/// Serving flags for the test certificates, with request-header authentication on.
inline std::vector<std::string> authenticated_serve_flags()
{
    const auto& certs = Certificates::get();
    return {"--tls-cert-file", certs.file("serving.crt"), "--tls-private-key-file",
            certs.file("serving.key"), "--requestheader-client-ca-file",
            certs.file("front-proxy-ca.crt"), "--requestheader-allowed-names",
            "front-proxy-client"};
}

/// Serving flags for the test certificates, without authentication (anonymous).
inline std::vector<std::string> anonymous_serve_flags()
{
    const auto& certs = Certificates::get();
    return {"--tls-cert-file", certs.file("serving.crt"), "--tls-private-key-file",
            certs.file("serving.key")};
}

/// The aggregator's headers for the HPA controller's identity.
inline std::vector<std::string> hpa_controller_headers()
{
    return {"X-Remote-User: system:serviceaccount:kube-system:horizontal-pod-autoscaler",
            "X-Remote-Group: system:serviceaccounts", "X-Remote-Group: system:serviceaccounts:kube-system",
            "X-Remote-Group: system:authenticated", "Accept: application/vnd.kubernetes.protobuf, */*"};
}

/// The value of the first sample of `family` whose labels contain `labels`, from /metrics.
inline std::optional<double> metric_value(int port, const std::string& family, const std::string& labels)
{
    const auto response = https_get(port, "/metrics", {}, Certificates::get().client());
    if (!response || response->status != 200) {
        return std::nullopt;
    }
    std::istringstream lines(response->body);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(family + "{", 0) == 0 && line.find(labels) != std::string::npos) {
            return std::stod(line.substr(line.rfind(' ') + 1));
        }
    }
    return std::nullopt;
}

/// Polls /metrics until `family{...labels...}` satisfies `condition`, for at most `deadline`.
/// The server's state changes on its own clock; this only observes it.
inline bool eventually(int port, const std::string& family, const std::string& labels,
                const std::function<bool(double)>& condition, std::chrono::seconds deadline = std::chrono::seconds(30))
{
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (const auto value = metric_value(port, family, labels); value && condition(*value)) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100)); // polling interval of an observation, not a sync
    }
    return false;
}

/// Writes a kubeconfig that points kubectl at the server with the test CA.
inline std::string write_kubeconfig(const std::string& dir, int port)
{
    const std::string path = dir + "/kubeconfig";
    std::ofstream out(path);
    out << "apiVersion: v1\nkind: Config\nclusters:\n- name: ihpa\n  cluster:\n    server: https://127.0.0.1:"
        << port << "\n    certificate-authority: " << Certificates::get().file("serving-ca.crt")
        << "\n    tls-server-name: localhost\ncontexts:\n- name: ihpa\n  context: {cluster: ihpa, user: anonymous}\n"
        << "current-context: ihpa\nusers:\n- name: anonymous\n  user: {token: not-checked}\n";
    return path;
}

inline constexpr const char* kDemoPath =
    "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests";

} // namespace ihpa::test
