#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <string>

struct ssl_st;
struct x509_store_st;

namespace ihpa::apiserver {

/// The outcome of verifying a client's certificate chain against one bundle.
struct ChainVerification {
    bool trusted = false;           ///< the chain leads to a certificate of the bundle
    bool client_auth_usage = false; ///< the leaf may authenticate TLS clients
    std::string error;              ///< OpenSSL's reason when `!trusted`
};

/// A set of CA certificates that client certificates are verified against (the
/// `--requestheader-client-ca-file` or `--client-ca-file` bundle, or the same from the
/// cluster's `extension-apiserver-authentication` ConfigMap). Immutable once built and safe to
/// use from many threads; a new bundle replaces an old one as a whole.
class CertificateBundle {
public:
    /// Every PEM certificate of `pem`; at least one is required. `origin` names where the text
    /// came from (a flag and file, a ConfigMap key) and prefixes the error.
    [[nodiscard]] static std::expected<std::shared_ptr<const CertificateBundle>, std::string>
    parse(const std::string& pem, const std::string& origin);

    /// Reads and parses the file `path`; errors start with `flag` and name the file.
    [[nodiscard]] static std::expected<std::shared_ptr<const CertificateBundle>, std::string>
    load(const std::string& path, const std::string& flag);

    ~CertificateBundle();
    CertificateBundle(const CertificateBundle&) = delete;
    CertificateBundle& operator=(const CertificateBundle&) = delete;

    /// Verifies the certificate chain the peer of `ssl` presented (leaf plus intermediates) as
    /// a TLS client chain; the leaf must be present.
    [[nodiscard]] ChainVerification verify_peer(ssl_st* ssl) const;

    /// How many CA certificates the bundle holds.
    [[nodiscard]] std::size_t size() const { return size_; }
    /// Where the bundle came from, for logs.
    [[nodiscard]] const std::string& origin() const { return origin_; }

private:
    CertificateBundle(x509_store_st* store, std::size_t size, std::string origin);

    x509_store_st* store_;
    std::size_t size_;
    std::string origin_;
};

} // namespace ihpa::apiserver
