#pragma once

#include "apiserver/options.hpp"
#include "apiserver/server_metrics.hpp"

#include <expected>
#include <memory>
#include <mutex>
#include <string>

struct ssl_ctx_st;

namespace ihpa::apiserver {

/// The serving certificate chain and key that new TLS handshakes use. Loaded from
/// `--tls-cert-file`/`--tls-private-key-file` and reloaded by `check_once()` when the files'
/// content changes (a cert-manager rotation, a Secret volume's `..data` symlink swap); or a
/// generated self-signed pair, never reloaded. A changed pair that does not load (unparsable,
/// half-written, key not matching) is rejected with one error log and the old pair stays in
/// use. Thread-safe: handshakes read the current pair while `check_once()` replaces it.
class ServingCertificate {
public:
    /// What one `check_once()` did.
    enum class Check { unchanged, reloaded, rejected };

    /// Loads the pair named by `options` (or generates a self-signed one, with a warning) and
    /// records its expiry in `metrics`, which must outlive this. The error names the file.
    [[nodiscard]] static std::expected<std::unique_ptr<ServingCertificate>, std::string>
    create(const ServerOptions& options, ServerMetrics& metrics);

    ~ServingCertificate();
    ServingCertificate(const ServingCertificate&) = delete;
    ServingCertificate& operator=(const ServingCertificate&) = delete;

    /// Reads both files; when their content differs from the pair in use and from the last
    /// rejected content, loads and checks it and takes it into use (info log, reload counted)
    /// or keeps the old pair (error log naming the file and reason, failure counted).
    /// Always `unchanged` for a self-signed certificate.
    Check check_once();

    /// True when the pair comes from files (so `check_once()` can change it).
    [[nodiscard]] bool reloadable() const { return !cert_file_.empty(); }

    /// The PEM certificate chain in use now.
    [[nodiscard]] std::string certificate_chain() const;

    /// Makes every new handshake on `ctx` present the pair in use at that moment; this object
    /// must outlive `ctx`'s connections.
    void install(ssl_ctx_st* ctx) const;

private:
    struct Pair;
    ServingCertificate(std::string cert_file, std::string key_file, std::shared_ptr<const Pair> pair,
                       ServerMetrics& metrics);
    [[nodiscard]] std::shared_ptr<const Pair> current() const;

    std::string cert_file_;
    std::string key_file_;
    ServerMetrics& metrics_;
    mutable std::mutex mutex_;
    std::shared_ptr<const Pair> current_;
    std::string rejected_content_; ///< cert + key text last rejected, so it is logged once
};

} // namespace ihpa::apiserver
