#include "apiserver/authn.hpp"

#include "common/text.hpp"
#include "common/url.hpp"

#include <algorithm>

namespace ihpa::apiserver {
namespace {

constexpr std::string_view kAuthenticatedGroup = "system:authenticated";
constexpr std::string_view kUnauthorized = "Unauthorized: ";

/// Kubernetes lowercases extra keys and path-unescapes them (`unescapeExtraKey`); a key that
/// does not unescape is kept as received, as upstream does.
std::string extra_key(std::string_view raw)
{
    return common::lowercase(common::percent_decode(raw, false).value_or(std::string(raw)));
}

bool is_one_of(std::string_view name, const std::vector<std::string>& names)
{
    return std::any_of(names.begin(), names.end(),
                       [name](const std::string& candidate) { return common::iequals(name, candidate); });
}

void add_authenticated_group(Identity& identity)
{
    if (std::find(identity.groups.begin(), identity.groups.end(), kAuthenticatedGroup) ==
        identity.groups.end()) {
        identity.groups.emplace_back(kAuthenticatedGroup);
    }
}

/// The request-header identity, or why there is none (without the "Unauthorized: " prefix).
std::expected<Identity, std::string> request_header_identity(const RequestHeaderConfig& config,
                                                             const ClientCertificate& cert,
                                                             const std::vector<Header>& headers)
{
    if (!cert.presented) {
        return std::unexpected("no client certificate presented");
    }
    if (!cert.verified) {
        return std::unexpected("client certificate not signed by the request-header CA (" + cert.verify_error + ")");
    }
    if (!cert.client_auth_usage) {
        return std::unexpected("client certificate is not valid for client authentication");
    }
    if (!config.allowed_names.empty() &&
        std::find(config.allowed_names.begin(), config.allowed_names.end(), cert.common_name) ==
            config.allowed_names.end()) {
        return std::unexpected("client certificate CN \"" + cert.common_name + "\" is not an allowed name");
    }
    Identity identity;
    // The first username (UID) header in configured order that has a non-empty value names the
    // user (its UID).
    for (auto [names, field] : {std::pair{&config.username_headers, &identity.user},
                                std::pair{&config.uid_headers, &identity.uid}}) {
        for (const std::string& wanted : *names) {
            for (const auto& [name, value] : headers) {
                if (field->empty() && !value.empty() && common::iequals(name, wanted)) {
                    *field = value;
                }
            }
        }
    }
    for (const auto& [name, value] : headers) {
        if (is_one_of(name, config.group_headers)) {
            identity.groups.emplace_back(value);
            continue;
        }
        for (const std::string& prefix : config.extra_headers_prefix) {
            if (!prefix.empty() && common::istarts_with(name, prefix)) {
                identity.extra[extra_key(name.substr(prefix.size()))].emplace_back(value);
                break;
            }
        }
    }
    if (identity.user.empty()) {
        const std::string named = config.username_headers.empty() ? "username" : config.username_headers.front();
        return std::unexpected("no " + named + " header");
    }
    add_authenticated_group(identity);
    return identity;
}

/// The token of an `Authorization: Bearer <token>` header; empty when there is none.
std::string_view bearer_token(const std::vector<Header>& headers)
{
    for (const auto& [name, value] : headers) {
        if (!common::iequals(name, "authorization")) {
            continue;
        }
        const std::string_view trimmed = common::trim(value);
        if (trimmed.size() > 7 && common::istarts_with(trimmed, "bearer ")) {
            return common::trim(trimmed.substr(7));
        }
    }
    return {};
}

} // namespace

Identity anonymous_identity() { return Identity{"system:anonymous", {"system:unauthenticated"}, {}}; }

std::expected<Identity, ApiError> authenticate(const RequestHeaderConfig& config,
                                               const ClientCertificate& cert,
                                               const std::vector<Header>& headers)
{
    if (!config.enabled) {
        return anonymous_identity();
    }
    auto identity = request_header_identity(config, cert, headers);
    if (!identity) {
        return std::unexpected(unauthorized(std::string(kUnauthorized) + identity.error()));
    }
    return std::move(*identity);
}

RequestHeaderConfig request_header_config(std::vector<std::string> allowed_names,
                                          const std::vector<std::string>& username_headers,
                                          const std::vector<std::string>& group_headers,
                                          const std::vector<std::string>& extra_headers_prefix,
                                          const std::vector<std::string>& uid_headers)
{
    RequestHeaderConfig config{true, std::move(allowed_names)};
    for (auto [given, field] : {std::pair{&username_headers, &config.username_headers},
                                std::pair{&group_headers, &config.group_headers},
                                std::pair{&extra_headers_prefix, &config.extra_headers_prefix},
                                std::pair{&uid_headers, &config.uid_headers}}) {
        if (!given->empty()) {
            *field = *given;
        }
    }
    return config;
}

Identity certificate_identity(const ClientCertificate& cert)
{
    Identity identity{cert.common_name, cert.organizations, {}};
    add_authenticated_group(identity);
    return identity;
}

AuthenticationStep authenticate_request(const AuthenticationSettings& settings, bool tokens,
                                        const ClientCertificate& cert, const std::vector<Header>& headers)
{
    if (!settings.request_header.enabled && !settings.client_certificates && !tokens) {
        return anonymous_identity();
    }
    std::vector<std::string> reasons;
    if (settings.request_header.enabled) {
        auto identity = request_header_identity(settings.request_header, cert, headers);
        if (identity) {
            return std::move(*identity);
        }
        reasons.push_back(std::move(identity.error()));
    }
    if (settings.client_certificates && !cert.presented && !settings.request_header.enabled) {
        reasons.emplace_back("no client certificate presented");
    }
    if (settings.client_certificates && cert.presented) {
        if (!cert.client_ca_verified) {
            reasons.push_back("client certificate not signed by the client CA (" + cert.client_ca_error + ")");
        } else if (!cert.client_auth_usage) {
            reasons.push_back("client certificate is not valid for client authentication");
        } else if (cert.common_name.empty()) {
            reasons.push_back("client certificate has no common name");
        } else {
            return certificate_identity(cert);
        }
    }
    if (tokens) {
        if (const std::string_view token = bearer_token(headers); !token.empty()) {
            return BearerToken{token};
        }
        reasons.emplace_back("no bearer token");
    }
    std::string message(kUnauthorized);
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        message += (i == 0 ? "" : "; ") + reasons[i];
    }
    return unauthorized(message);
}

} // namespace ihpa::apiserver
