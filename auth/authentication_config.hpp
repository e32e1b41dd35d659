#pragma once

#include "apiserver/authn.hpp"

#include <nlohmann/json.hpp>

#include <expected>
#include <string>
#include <vector>

namespace ihpa::auth {

/// The namespace and name of the ConfigMap the cluster publishes its authentication in.
inline constexpr const char* kAuthenticationConfigNamespace = "kube-system";
inline constexpr const char* kAuthenticationConfigName = "extension-apiserver-authentication";

/// What `kube-system/extension-apiserver-authentication` tells an extension API server
/// (kubernetes-contracts §2.6): the CAs and header names of its `--requestheader-*` and
/// `--client-ca-file` flags. Empty strings and lists stand for absent keys.
struct DelegatedAuthenticationConfig {
    std::string client_ca_pem{};               ///< `client-ca-file`: CA of direct x509 clients
    std::string requestheader_client_ca_pem{}; ///< `requestheader-client-ca-file`: front-proxy CA
    std::vector<std::string> requestheader_allowed_names{}; ///< empty: any cert of that CA
    std::vector<std::string> requestheader_username_headers{};
    std::vector<std::string> requestheader_group_headers{};
    std::vector<std::string> requestheader_extra_headers_prefix{};
    std::vector<std::string> requestheader_uid_headers{}; ///< newer clusters only

    friend bool operator==(const DelegatedAuthenticationConfig&, const DelegatedAuthenticationConfig&) = default;
};

/// Parses the ConfigMap `config_map` (its `data`). Strict: every value must be a string; the
/// list keys (`requestheader-allowed-names`, `-username-headers`, `-group-headers`,
/// `-extra-headers-prefix`, `-uid-headers`) must hold a JSON array of strings; each CA must hold
/// at least one PEM certificate OpenSSL can read; at least one CA must be present; with the
/// request-header CA, `requestheader-username-headers` must name at least one header. Unknown
/// keys are ignored (newer clusters add some). Errors name the key: `requestheader-group-headers:
/// not a JSON array of strings: ...`.
[[nodiscard]] std::expected<DelegatedAuthenticationConfig, std::string>
parse_authentication_config(const nlohmann::json& config_map);

/// The authentication settings `from_flags` completed by the cluster's `config`, as
/// k8s.io/apiserver's delegating authentication does: when the flags configure no request-header
/// CA, the ConfigMap's request-header CA, allowed names and header names (defaults for absent
/// header lists) are used; when they configure no client CA, the ConfigMap's client CA. Parts the
/// flags configure are kept as they are. The error names the key whose CA does not load.
[[nodiscard]] std::expected<apiserver::AuthenticationSettings, std::string>
complete_from_cluster(const apiserver::AuthenticationSettings& from_flags,
                      const DelegatedAuthenticationConfig& config);

} // namespace ihpa::auth
