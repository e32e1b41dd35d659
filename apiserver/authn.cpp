#include "apiserver/authn.hpp"

#include "common/text.hpp"
#include "common/url.hpp"

#include <algorithm>

namespace ihpa::apiserver {
namespace {

constexpr std::string_view kUserHeader = "x-remote-user";
constexpr std::string_view kGroupHeader = "x-remote-group";
constexpr std::string_view kExtraPrefix = "x-remote-extra-";
constexpr std::string_view kAuthenticatedGroup = "system:authenticated";

/// Kubernetes lowercases extra keys and path-unescapes them (`unescapeExtraKey`); a key that
/// does not unescape is kept as received, as upstream does.
std::string extra_key(std::string_view raw)
{
    return common::lowercase(common::percent_decode(raw, false).value_or(std::string(raw)));
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
        if (common::iequals(name, kUserHeader)) {
            if (identity.user.empty()) {
                identity.user = value;
            }
        } else if (common::iequals(name, kGroupHeader)) {
            identity.groups.emplace_back(value);
        } else if (common::istarts_with(name, kExtraPrefix)) {
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
