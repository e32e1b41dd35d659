#include "net/pem.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace ihpa::net {
namespace {

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};

/// Where `source` comes from, for messages.
std::string origin(const PemSource& source)
{
    return source.file.empty() ? std::string("inline data") : source.file;
}

std::expected<std::string, std::string> read_all(const PemSource& source, const std::string& what)
{
    if (!source.file.empty() && !source.data.empty()) {
        return std::unexpected(what + ": give a file or inline data, not both");
    }
    if (source.file.empty()) {
        return source.data;
    }
    std::ifstream in(source.file, std::ios::binary);
    if (!in) {
        return std::unexpected("cannot read " + what + " " + source.file);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string openssl_reason()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    return code == 0 ? std::string("no PEM data") : std::string(ERR_reason_error_string(code));
}

std::unique_ptr<BIO, BioDeleter> memory_bio(const std::string& text)
{
    return std::unique_ptr<BIO, BioDeleter>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

} // namespace

std::expected<void, std::string> check_certificates(const PemSource& source, const std::string& what)
{
    auto text = read_all(source, what);
    if (!text) {
        return std::unexpected(text.error());
    }
    ERR_clear_error();
    auto bio = memory_bio(*text);
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) {
        return std::unexpected("invalid " + what + " (" + origin(source) +
                               "): not a PEM certificate (" + openssl_reason() + ")");
    }
    X509_free(cert);
    return {};
}

std::expected<void, std::string> check_private_key(const PemSource& source)
{
    auto text = read_all(source, "client key");
    if (!text) {
        return std::unexpected(text.error());
    }
    ERR_clear_error();
    auto bio = memory_bio(*text);
    // An empty passphrase callback result makes encrypted keys fail instead of prompting.
    EVP_PKEY* key = PEM_read_bio_PrivateKey(
        bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr);
    if (key == nullptr) {
        return std::unexpected("invalid client key (" + origin(source) +
                               "): not an unencrypted PEM private key (" + openssl_reason() + ")");
    }
    EVP_PKEY_free(key);
    return {};
}

std::expected<void, std::string> check_tls_options(const TlsOptions& tls)
{
    if (!tls.ca.empty()) {
        if (auto ok = check_certificates(tls.ca, "CA"); !ok) {
            return ok;
        }
    }
    if (tls.client_cert.empty() != tls.client_key.empty()) {
        return std::unexpected("a client certificate needs both a certificate and a key");
    }
    if (!tls.client_cert.empty()) {
        if (auto ok = check_certificates(tls.client_cert, "client certificate"); !ok) {
            return ok;
        }
        return check_private_key(tls.client_key);
    }
    return {};
}

} // namespace ihpa::net
