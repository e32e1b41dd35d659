#include "apiserver/serving_certificate.hpp"

#include "apiserver/tls_identity.hpp"
#include "common/file.hpp"
#include "common/log.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>

namespace ihpa::apiserver {
namespace {

std::int64_t unix_seconds(const ASN1_TIME* time)
{
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1) {
        return 0;
    }
    return static_cast<std::int64_t>(timegm(&tm));
}

} // namespace

/// A checked pair in OpenSSL form, ready to be put on a connection, and the PEM it came from.
struct ServingCertificate::Pair {
    PemIdentity pem;
    X509* leaf = nullptr;
    STACK_OF(X509)* intermediates = sk_X509_new_null();
    EVP_PKEY* key = nullptr;
    std::int64_t not_after = 0; ///< Unix seconds

    /// Converts `pem`, already checked by parse_pem_identity or generated, to OpenSSL objects.
    static std::expected<std::shared_ptr<const Pair>, std::string> from(PemIdentity pem)
    {
        auto pair = std::make_shared<Pair>();
        BIO* chain = BIO_new_mem_buf(pem.certificate_chain.data(),
                                     static_cast<int>(pem.certificate_chain.size()));
        pair->leaf = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr);
        while (X509* next = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr)) {
            sk_X509_push(pair->intermediates, next);
        }
        BIO_free(chain);
        BIO* key = BIO_new_mem_buf(pem.private_key.data(), static_cast<int>(pem.private_key.size()));
        pair->key = PEM_read_bio_PrivateKey(key, nullptr, nullptr, nullptr);
        BIO_free(key);
        ERR_clear_error(); // the end of the chain reads as an error
        if (pair->leaf == nullptr || pair->key == nullptr) {
            return std::unexpected("cannot convert the serving certificate " + pem.description);
        }
        pair->not_after = unix_seconds(X509_get0_notAfter(pair->leaf));
        pair->pem = std::move(pem);
        return pair;
    }

    Pair() = default;
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
    ~Pair()
    {
        X509_free(leaf);
        sk_X509_pop_free(intermediates, X509_free);
        EVP_PKEY_free(key);
    }
};

std::expected<std::unique_ptr<ServingCertificate>, std::string>
ServingCertificate::create(const ServerOptions& options, ServerMetrics& metrics)
{
    const bool self_signed = options.tls_cert_file.empty();
    auto identity = self_signed
                        ? generate_self_signed_identity({"localhost", "127.0.0.1", "::1"})
                        : load_pem_identity(options.tls_cert_file, options.tls_private_key_file);
    if (!identity) {
        return std::unexpected(identity.error());
    }
    if (self_signed) {
        IHPA_LOG(warn, "server") << "no --tls-cert-file given: serving with a generated "
                                 << identity->description;
    } else {
        IHPA_LOG(info, "server") << "serving certificate " << identity->description
                                 << "; reloaded when the files change";
    }
    auto pair = Pair::from(std::move(*identity));
    if (!pair) {
        return std::unexpected(pair.error());
    }
    metrics.serving_certificate_loaded((*pair)->not_after);
    return std::unique_ptr<ServingCertificate>(new ServingCertificate(
        options.tls_cert_file, options.tls_private_key_file, std::move(*pair), metrics));
}

ServingCertificate::ServingCertificate(std::string cert_file, std::string key_file,
                                       std::shared_ptr<const Pair> pair, ServerMetrics& metrics)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)), metrics_(metrics),
      current_(std::move(pair))
{
}

ServingCertificate::~ServingCertificate() = default;

std::shared_ptr<const ServingCertificate::Pair> ServingCertificate::current() const
{
    const std::lock_guard lock(mutex_);
    return current_;
}

std::string ServingCertificate::certificate_chain() const { return current()->pem.certificate_chain; }

ServingCertificate::Check ServingCertificate::check_once()
{
    if (!reloadable()) {
        return Check::unchanged;
    }
    // Content, not inode or mtime: a Secret volume swaps a symlink, cert-manager rewrites in place.
    auto cert_text = common::read_file(cert_file_);
    auto key_text = common::read_file(key_file_);
    std::expected<PemIdentity, std::string> identity =
        !cert_text ? std::unexpected("--tls-cert-file: " + cert_text.error())
        : !key_text ? std::unexpected("--tls-private-key-file: " + key_text.error())
                    : std::expected<PemIdentity, std::string>(PemIdentity{*cert_text, *key_text, {}});
    const std::shared_ptr<const Pair> in_use = current();
    if (identity && identity->certificate_chain == in_use->pem.certificate_chain &&
        identity->private_key == in_use->pem.private_key) {
        rejected_content_.clear();
        return Check::unchanged;
    }
    const std::string content = identity ? identity->certificate_chain + '\0' + identity->private_key
                                         : identity.error();
    if (!rejected_content_.empty() && content == rejected_content_) {
        return Check::rejected; // already logged and counted; tried again on the next change
    }
    if (identity) {
        identity = parse_pem_identity(std::move(identity->certificate_chain),
                                      std::move(identity->private_key), cert_file_, key_file_);
    }
    auto pair = identity ? Pair::from(std::move(*identity))
                         : std::unexpected(std::move(identity).error());
    if (!pair) {
        rejected_content_ = content;
        metrics_.serving_certificate_reload_failed();
        IHPA_LOG(error, "server") << "cannot reload the serving certificate, still serving "
                                  << in_use->pem.description << ": " << pair.error();
        return Check::rejected;
    }
    rejected_content_.clear();
    IHPA_LOG(info, "server") << "serving certificate reloaded: " << (*pair)->pem.description;
    metrics_.serving_certificate_reloaded((*pair)->not_after);
    const std::lock_guard lock(mutex_);
    current_ = std::move(*pair);
    return Check::reloaded;
}

void ServingCertificate::install(ssl_ctx_st* ctx) const
{
    SSL_CTX_set_cert_cb(
        ctx,
        [](SSL* ssl, void* self) -> int {
            const auto pair = static_cast<const ServingCertificate*>(self)->current();
            // The connection takes its own references: a later reload does not touch it.
            return SSL_use_cert_and_key(ssl, pair->leaf, pair->key, pair->intermediates, 1);
        },
        const_cast<ServingCertificate*>(this));
}

} // namespace ihpa::apiserver
