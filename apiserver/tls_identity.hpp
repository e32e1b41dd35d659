#pragma once

#include "apiserver/authn.hpp"

#include <expected>
#include <string>
#include <vector>

struct ssl_st;

namespace ihpa::apiserver {

/// A serving certificate chain and its private key, PEM-encoded.
struct PemIdentity {
    std::string certificate_chain;
    std::string private_key;
    std::string description; ///< for the start-up log: where it came from, subject, expiry
};

/// Reads and checks `cert_file`/`key_file` (both parse, the key matches the first certificate);
/// the error names the file and OpenSSL's reason.
[[nodiscard]] std::expected<PemIdentity, std::string>
load_pem_identity(const std::string& cert_file, const std::string& key_file);

/// Checks `cert_text`/`key_text`, already read from `cert_file`/`key_file`, as `load_pem_identity`
/// does (the file names are only for the description and the error).
[[nodiscard]] std::expected<PemIdentity, std::string>
parse_pem_identity(std::string cert_text, std::string key_text, const std::string& cert_file,
                   const std::string& key_file);

/// Generates a self-signed ECDSA P-256 certificate valid for one year for `hosts` (DNS names or
/// IP addresses, all put in the subjectAltName; the first one is the CN).
[[nodiscard]] std::expected<PemIdentity, std::string>
generate_self_signed_identity(const std::vector<std::string>& hosts);

/// What the client proved on this TLS connection: whether it sent a certificate, whether it
/// chains to the request-header CA and to the client CA of `settings` (a CA that is not
/// configured verifies nothing), its CN and O values, and whether it may authenticate clients.
[[nodiscard]] ClientCertificate inspect_peer_certificate(ssl_st* ssl, const AuthenticationSettings& settings);

} // namespace ihpa::apiserver
