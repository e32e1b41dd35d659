#include "apiserver/tls_identity.hpp"

#include "apiserver/certificate_bundle.hpp"
#include "apiserver/openssl_handles.hpp"
#include "common/file.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <memory>

namespace ihpa::apiserver {
namespace {

std::string openssl_error()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return "unknown OpenSSL error";
    }
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

BioPtr memory_bio(const std::string& text)
{
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bio_to_string(BIO* bio)
{
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string describe(X509* cert)
{
    std::string out;
    if (char* subject = X509_NAME_oneline(X509_get_subject_name(cert), nullptr, 0)) {
        out = subject;
        OPENSSL_free(subject);
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    ASN1_TIME_print(bio.get(), X509_get0_notAfter(cert));
    return out + ", valid until " + bio_to_string(bio.get());
}

/// The first certificate of PEM `text`; errors name `flag` and `path`.
std::expected<X509Ptr, std::string> parse_first_certificate(const std::string& text,
                                                            const std::string& path,
                                                            const std::string& flag)
{
    auto bio = memory_bio(text);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
        return std::unexpected(flag + " " + path + ": no PEM certificate: " + openssl_error());
    }
    return cert;
}

} // namespace

std::expected<PemIdentity, std::string> load_pem_identity(const std::string& cert_file,
                                                          const std::string& key_file)
{
    auto cert_text = common::read_file(cert_file);
    if (!cert_text) {
        return std::unexpected("--tls-cert-file: " + cert_text.error());
    }
    auto key_text = common::read_file(key_file);
    if (!key_text) {
        return std::unexpected("--tls-private-key-file: " + key_text.error());
    }
    return parse_pem_identity(std::move(*cert_text), std::move(*key_text), cert_file, key_file);
}

std::expected<PemIdentity, std::string> parse_pem_identity(std::string cert_text,
                                                           std::string key_text,
                                                           const std::string& cert_file,
                                                           const std::string& key_file)
{
    auto cert = parse_first_certificate(cert_text, cert_file, "--tls-cert-file");
    if (!cert) {
        return std::unexpected(cert.error());
    }
    auto key_bio = memory_bio(key_text);
    KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        return std::unexpected("--tls-private-key-file " + key_file +
                               ": no PEM private key: " + openssl_error());
    }
    if (X509_check_private_key(cert->get(), key.get()) != 1) {
        ERR_clear_error();
        return std::unexpected("--tls-private-key-file " + key_file +
                               " does not match the certificate in " + cert_file);
    }
    return PemIdentity{std::move(cert_text), std::move(key_text),
                       cert_file + " (" + describe(cert->get()) + ")"};
}

std::expected<PemIdentity, std::string>
generate_self_signed_identity(const std::vector<std::string>& hosts)
{
    KeyPtr key(EVP_EC_gen("P-256"));
    if (!key) {
        return std::unexpected("cannot generate a key: " + openssl_error());
    }
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    BIGNUM* serial = BN_new();
    BN_rand(serial, 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
    BN_free(serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60 * 60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 60 * 60);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    const std::string cn = hosts.empty() ? "localhost" : hosts.front();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    std::string san;
    for (const std::string& host : hosts) {
        unsigned char addr[16];
        const bool ip = inet_pton(AF_INET, host.c_str(), addr) == 1 ||
                        inet_pton(AF_INET6, host.c_str(), addr) == 1;
        if (!san.empty()) {
            san += ',';
        }
        san += ip ? "IP:" : "DNS:";
        san += host;
    }
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    for (const auto& [nid, value] :
         {std::pair{NID_subject_alt_name, san}, std::pair{NID_basic_constraints, std::string("CA:FALSE")},
          std::pair{NID_key_usage, std::string("digitalSignature")},
          std::pair{NID_ext_key_usage, std::string("serverAuth")}}) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
        if (ext == nullptr) {
            return std::unexpected("cannot build certificate extension " + value + ": " +
                                   openssl_error());
        }
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        return std::unexpected("cannot sign the certificate: " + openssl_error());
    }
    BioPtr cert_bio(BIO_new(BIO_s_mem()));
    BioPtr key_bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(cert_bio.get(), cert.get());
    PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    return PemIdentity{bio_to_string(cert_bio.get()), bio_to_string(key_bio.get()),
                       "self-signed (" + describe(cert.get()) + ", SAN " + san + ")"};
}

namespace {

/// The UTF-8 values of `nid` in the subject of `cert`, in order.
std::vector<std::string> subject_entries(X509* cert, int nid)
{
    std::vector<std::string> values;
    X509_NAME* subject = X509_get_subject_name(cert);
    for (int index = X509_NAME_get_index_by_NID(subject, nid, -1); index >= 0;
         index = X509_NAME_get_index_by_NID(subject, nid, index)) {
        ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
        unsigned char* utf8 = nullptr;
        const int len = ASN1_STRING_to_UTF8(&utf8, data);
        if (len >= 0) {
            values.emplace_back(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
            OPENSSL_free(utf8);
        }
    }
    return values;
}

} // namespace

ClientCertificate inspect_peer_certificate(ssl_st* ssl, const AuthenticationSettings& settings)
{
    ClientCertificate info;
    X509* peer = SSL_get0_peer_certificate(ssl);
    if (peer == nullptr) {
        return info;
    }
    info.presented = true;
    const std::vector<std::string> names = subject_entries(peer, NID_commonName);
    if (!names.empty()) {
        info.common_name = names.front();
    }
    info.organizations = subject_entries(peer, NID_organizationName);
    info.client_auth_usage = X509_check_purpose(peer, X509_PURPOSE_SSL_CLIENT, 0) == 1;
    ERR_clear_error();
    if (settings.request_header_ca) {
        const ChainVerification chain = settings.request_header_ca->verify_peer(ssl);
        info.verified = chain.trusted;
        info.verify_error = chain.error;
    } else {
        info.verify_error = "no request-header CA is configured";
    }
    if (settings.client_ca) {
        const ChainVerification chain = settings.client_ca->verify_peer(ssl);
        info.client_ca_verified = chain.trusted;
        info.client_ca_error = chain.error;
    } else {
        info.client_ca_error = "no client CA is configured";
    }
    return info;
}

} // namespace ihpa::apiserver
