#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ihpa::apiserver {

/// Serving options; the flag names follow Kubernetes' (`--secure-port`, `--tls-cert-file`, ...).
struct ServerOptions {
    std::string bind_address = "0.0.0.0";          ///< --bind-address (IPv4 or IPv6 literal)
    int secure_port = 8443;                        ///< --secure-port; 0 = an ephemeral port
    std::string tls_cert_file;                     ///< --tls-cert-file (PEM chain)
    std::string tls_private_key_file;              ///< --tls-private-key-file
    std::string requestheader_client_ca_file;      ///< --requestheader-client-ca-file
    std::vector<std::string> requestheader_allowed_names; ///< --requestheader-allowed-names
    int threads = 0;                               ///< --threads; 0 = one per core
    int max_connections = 4096;                    ///< --max-connections; more are closed at once
    int max_requests_inflight = 400;               ///< --max-requests-inflight; more get 429
    std::size_t max_header_bytes = 64 * 1024;      ///< larger request headers get 431
    std::size_t max_body_bytes = 64 * 1024;        ///< larger request bodies get 413
    std::chrono::milliseconds handshake_timeout{10'000}; ///< TLS handshake must finish within
    std::chrono::milliseconds idle_timeout{90'000};  ///< a keep-alive connection may idle this long
    std::chrono::milliseconds request_timeout{30'000}; ///< --request-timeout: a request from its first byte; an answer
    std::chrono::milliseconds shutdown_grace{1'000}; ///< on SIGTERM, idle connections get this long
    std::chrono::milliseconds shutdown_timeout{5'000}; ///< after this, shutdown stops waiting

    /// Every problem with the options, each naming its flag; empty when valid.
    [[nodiscard]] std::vector<std::string> validate() const;
};

} // namespace ihpa::apiserver
