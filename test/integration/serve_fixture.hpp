#pragma once

#include "test/support/child_process.hpp"
#include "test/support/https_client.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

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

inline constexpr const char* kDemoPath =
    "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests";

} // namespace ihpa::test
