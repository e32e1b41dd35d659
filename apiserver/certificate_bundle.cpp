#include "apiserver/certificate_bundle.hpp"

#include "apiserver/openssl_handles.hpp"
#include "common/file.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ihpa::apiserver {
CertificateBundle::CertificateBundle(x509_store_st* store, std::size_t size, std::string origin)
    : store_(store), size_(size), origin_(std::move(origin))
{
}

CertificateBundle::~CertificateBundle() { X509_STORE_free(store_); }

std::expected<std::shared_ptr<const CertificateBundle>, std::string>
CertificateBundle::parse(const std::string& pem, const std::string& origin)
{
    StorePtr store(X509_STORE_new());
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!store || !bio) {
        return std::unexpected(origin + ": out of memory");
    }
    std::size_t count = 0;
    while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
        if (X509_STORE_add_cert(store.get(), cert.get()) != 1) {
            const unsigned long code = ERR_peek_last_error();
            // The same CA twice in one bundle is harmless (bundles are often concatenated).
            if (ERR_GET_REASON(code) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
                ERR_clear_error();
                return std::unexpected(origin + ": certificate " + std::to_string(count + 1) +
                                       " cannot be used as a CA");
            }
        }
        ++count;
    }
    // The loop ends on "no start line" at the end of the text; anything else is a broken PEM.
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (count == 0) {
        return std::unexpected(origin + ": no PEM certificate");
    }
    if (ERR_GET_REASON(code) != PEM_R_NO_START_LINE && code != 0) {
        return std::unexpected(origin + ": certificate " + std::to_string(count + 1) +
                               " is not valid PEM");
    }
    return std::shared_ptr<const CertificateBundle>(
        new CertificateBundle(store.release(), count, origin));
}

std::expected<std::shared_ptr<const CertificateBundle>, std::string>
CertificateBundle::load(const std::string& path, const std::string& flag)
{
    auto text = common::read_file(path);
    if (!text) {
        return std::unexpected(flag + ": " + text.error());
    }
    return parse(*text, flag + " " + path);
}

ChainVerification CertificateBundle::verify_peer(ssl_st* ssl) const
{
    ChainVerification result;
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (leaf == nullptr) {
        result.error = "no client certificate";
        return result;
    }
    // On a server the peer chain holds the intermediates the client sent, without the leaf.
    STACK_OF(X509)* intermediates = SSL_get_peer_cert_chain(ssl);
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store_, leaf, intermediates) != 1) {
        ERR_clear_error();
        result.error = "cannot set up certificate verification";
        return result;
    }
    // Trust first, without a purpose (a purpose failure would stop verification before the
    // trust check); then whether the leaf may authenticate clients, which is reported apart.
    result.trusted = X509_verify_cert(ctx.get()) == 1;
    if (!result.trusted) {
        result.error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    }
    result.client_auth_usage = X509_check_purpose(leaf, X509_PURPOSE_SSL_CLIENT, 0) == 1;
    ERR_clear_error();
    return result;
}

} // namespace ihpa::apiserver
