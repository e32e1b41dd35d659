#pragma once

#include "apiserver/authn.hpp"
#include "apiserver/options.hpp"
#include "kube/config.hpp"

#include <CLI/CLI.hpp>

#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace ihpa::cli {

/// The authentication and authorization flags of `ihpa serve`, named as k8s.io/apiserver's
/// delegated authentication and authorization options (the request-header CA and allowed names
/// are ServerOptions' `--requestheader-client-ca-file` / `--requestheader-allowed-names`).
struct AuthenticationFlags {
    std::string client_ca_file;
    std::vector<std::string> username_headers;   ///< empty: X-Remote-User
    std::vector<std::string> group_headers;      ///< empty: X-Remote-Group
    std::vector<std::string> extra_headers_prefix; ///< empty: X-Remote-Extra-
    std::vector<std::string> uid_headers;          ///< empty: no UID header
    bool skip_lookup = false;
    bool tolerate_lookup_failure = false;
    std::string token_cache_ttl = "10s";
    std::string authorized_ttl = "10s";
    std::string unauthorized_ttl = "10s";
    std::vector<std::string> always_allow_paths{"/healthz", "/readyz", "/livez"};
};

/// Adds the flags to `serve`.
void add_authentication_flags(CLI::App& serve, AuthenticationFlags& flags);

/// Who may call `ihpa serve`, and how that is found out. Without cluster credentials: the
/// flags' CAs authenticate and every authenticated caller is allowed. With them (as
/// k8s.io/apiserver's delegated authentication and authorization): bearer tokens are
/// TokenReviews, every request is a SubjectAccessReview (cached), and whatever the flags leave
/// out of the request-header and client CA configuration is read from, and kept in step with,
/// the ConfigMap `kube-system/extension-apiserver-authentication`.
class ServeAuthentication {
public:
    /// Loads the flags' CAs and, with `cluster`, reads the ConfigMap once (a failure to read
    /// it is an error unless `--authentication-tolerate-lookup-failure`). Errors name the flag,
    /// file or ConfigMap key.
    [[nodiscard]] static std::expected<std::unique_ptr<ServeAuthentication>, std::string>
    create(const AuthenticationFlags& flags, const apiserver::ServerOptions& server,
           const kube::ClusterConfig* cluster);
    ~ServeAuthentication();
    ServeAuthentication(const ServeAuthentication&) = delete;
    ServeAuthentication& operator=(const ServeAuthentication&) = delete;

    /// The settings in force (for the router and the TLS layer).
    [[nodiscard]] const apiserver::AuthenticationState& state() const;
    /// The authorizer: SubjectAccessReview in a cluster, else AlwaysAllow.
    [[nodiscard]] const apiserver::Authorizer& authorizer() const;
    /// The bearer-token authenticator; null without a cluster.
    [[nodiscard]] const apiserver::TokenAuthenticator* tokens() const;
    /// Starts keeping the ConfigMap's settings in step (a watch on a thread of its own).
    void start();
    /// Stops the watch.
    void stop();
    /// `/metrics` families: reviews sent, configuration updates and problems.
    [[nodiscard]] std::string metrics() const;

private:
    struct State;
    explicit ServeAuthentication(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

} // namespace ihpa::cli
