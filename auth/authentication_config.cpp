#include "auth/authentication_config.hpp"

#include "apiserver/certificate_bundle.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace ihpa::auth {
namespace {

using nlohmann::json;
using Parsed = std::expected<DelegatedAuthenticationConfig, std::string>;

/// Number of PEM certificates OpenSSL reads from `pem` before the first that does not parse.
int certificate_count(const std::string& pem)
{
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                        &BIO_free);
    int count = 0;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        X509_free(cert);
        ++count;
    }
    ERR_clear_error(); // the read that ended the loop left its error in this thread's queue
    return count;
}

/// The string value of `key`, "" when absent; an error when it is not a string.
std::expected<std::string, std::string> text(const json& data, const std::string& key)
{
    const auto found = data.find(key);
    if (found == data.end()) {
        return "";
    }
    if (!found->is_string()) {
        return std::unexpected(key + ": not a string");
    }
    return found->get<std::string>();
}

std::expected<std::string, std::string> ca(const json& data, const std::string& key)
{
    auto pem = text(data, key);
    if (pem && !pem->empty() && certificate_count(*pem) == 0) {
        return std::unexpected(key + ": no PEM certificate in it");
    }
    return pem;
}

std::expected<std::vector<std::string>, std::string> list(const json& data, const std::string& key)
{
    const auto value = text(data, key);
    if (!value || value->empty()) {
        return value ? std::expected<std::vector<std::string>, std::string>{} : std::unexpected(value.error());
    }
    const json parsed = json::parse(*value, nullptr, false);
    std::vector<std::string> out;
    bool strings = parsed.is_array();
    for (const json& item : strings ? parsed : json::array()) {
        strings = strings && item.is_string();
        if (strings) {
            out.push_back(item.get<std::string>());
        }
    }
    if (!strings) {
        return std::unexpected(key + ": not a JSON array of strings: " + *value);
    }
    return out;
}

} // namespace

Parsed parse_authentication_config(const json& config_map)
{
    const json data = config_map.is_object() ? config_map.value("data", json(nullptr)) : json(nullptr);
    if (!data.is_object()) {
        return std::unexpected("data: missing or not an object");
    }
    DelegatedAuthenticationConfig config;
    struct Text {
        const char* key;
        std::string DelegatedAuthenticationConfig::*field;
    };
    for (const Text& t : {Text{"client-ca-file", &DelegatedAuthenticationConfig::client_ca_pem},
                          Text{"requestheader-client-ca-file", &DelegatedAuthenticationConfig::requestheader_client_ca_pem}}) {
        auto value = ca(data, t.key);
        if (!value) {
            return std::unexpected(value.error());
        }
        config.*t.field = std::move(*value);
    }
    struct List {
        const char* key;
        std::vector<std::string> DelegatedAuthenticationConfig::*field;
    };
    using C = DelegatedAuthenticationConfig;
    for (const List& l : {List{"requestheader-allowed-names", &C::requestheader_allowed_names},
                          List{"requestheader-username-headers", &C::requestheader_username_headers},
                          List{"requestheader-group-headers", &C::requestheader_group_headers},
                          List{"requestheader-extra-headers-prefix", &C::requestheader_extra_headers_prefix},
                          List{"requestheader-uid-headers", &C::requestheader_uid_headers}}) {
        auto value = list(data, l.key);
        if (!value) {
            return std::unexpected(value.error());
        }
        config.*l.field = std::move(*value);
    }
    if (config.client_ca_pem.empty() && config.requestheader_client_ca_pem.empty()) {
        return std::unexpected("client-ca-file, requestheader-client-ca-file: neither is present");
    }
    if (!config.requestheader_client_ca_pem.empty() && config.requestheader_username_headers.empty()) {
        return std::unexpected("requestheader-username-headers: required with requestheader-client-ca-file");
    }
    return config;
}

std::expected<apiserver::AuthenticationSettings, std::string>
complete_from_cluster(const apiserver::AuthenticationSettings& from_flags, const DelegatedAuthenticationConfig& config)
{
    const std::string origin = std::string("ConfigMap ") + kAuthenticationConfigNamespace + "/" +
                               kAuthenticationConfigName + " ";
    apiserver::AuthenticationSettings settings = from_flags;
    if (!from_flags.request_header.enabled && !config.requestheader_client_ca_pem.empty()) {
        auto ca = apiserver::CertificateBundle::parse(config.requestheader_client_ca_pem,
                                                      origin + "requestheader-client-ca-file");
        if (!ca) {
            return std::unexpected(ca.error());
        }
        settings.request_header_ca = std::move(*ca);
        settings.request_header = apiserver::request_header_config(
            config.requestheader_allowed_names, config.requestheader_username_headers,
            config.requestheader_group_headers, config.requestheader_extra_headers_prefix,
            config.requestheader_uid_headers);
    }
    if (!from_flags.client_certificates && !config.client_ca_pem.empty()) {
        auto ca = apiserver::CertificateBundle::parse(config.client_ca_pem, origin + "client-ca-file");
        if (!ca) {
            return std::unexpected(ca.error());
        }
        settings.client_ca = std::move(*ca);
        settings.client_certificates = true;
    }
    return settings;
}

} // namespace ihpa::auth
