#include "apiserver/authn.hpp"

#include "apiserver/url.hpp"

#include <algorithm>
#include <cctype>

namespace ihpa::apiserver {
namespace {

constexpr std::string_view kUserHeader = "x-remote-user";
constexpr std::string_view kGroupHeader = "x-remote-group";
constexpr std::string_view kExtraPrefix = "x-remote-extra-";
constexpr std::string_view kAuthenticatedGroup = "system:authenticated";

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool istarts_with(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// Kubernetes lowercases extra keys and path-unescapes them (`unescapeExtraKey`); a key that
/// does not unescape is kept as received, as upstream does.
std::string extra_key(std::string_view raw)
{
    std::string key = percent_decode(raw, false).value_or(std::string(raw));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return key;
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
    if (!cert.presented) {
        return std::unexpected(unauthorized("Unauthorized: no client certificate presented"));
    }
    if (!cert.verified) {
        return std::unexpected(unauthorized(
            "Unauthorized: client certificate not signed by the request-header CA (" +
            cert.verify_error + ")"));
    }
    if (!cert.client_auth_usage) {
        return std::unexpected(
            unauthorized("Unauthorized: client certificate is not valid for client authentication"));
    }
    if (!config.allowed_names.empty() &&
        std::find(config.allowed_names.begin(), config.allowed_names.end(), cert.common_name) ==
            config.allowed_names.end()) {
        return std::unexpected(unauthorized("Unauthorized: client certificate CN \"" +
                                            cert.common_name + "\" is not an allowed name"));
    }
    Identity identity;
    for (const auto& [name, value] : headers) {
        if (iequals(name, kUserHeader)) {
            if (identity.user.empty()) {
                identity.user = value;
            }
        } else if (iequals(name, kGroupHeader)) {
            identity.groups.emplace_back(value);
        } else if (istarts_with(name, kExtraPrefix)) {
            identity.extra[extra_key(name.substr(kExtraPrefix.size()))].emplace_back(value);
        }
    }
    if (identity.user.empty()) {
        return std::unexpected(unauthorized("Unauthorized: no X-Remote-User header"));
    }
    if (std::find(identity.groups.begin(), identity.groups.end(), kAuthenticatedGroup) ==
        identity.groups.end()) {
        identity.groups.emplace_back(kAuthenticatedGroup);
    }
    return identity;
}

} // namespace ihpa::apiserver
