#pragma once

#include "apiserver/api_error.hpp"

#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ihpa::apiserver {

class CertificateBundle;

/// Who is calling, as Kubernetes' `user.Info`.
struct Identity {
    std::string user;
    std::vector<std::string> groups;
    std::map<std::string, std::vector<std::string>> extra;
    std::string uid{}; ///< as a TokenReview or a request-header UID header gives it; often empty
};

/// What the TLS layer learnt about the client's certificate, verified once per connection
/// against the bundles in force when it was accepted.
struct ClientCertificate {
    bool presented = false;        ///< the client sent a certificate
    bool verified = false;         ///< it chains to the request-header client CA
    bool client_auth_usage = false;///< it may authenticate TLS clients (ExtKeyUsage, key usage)
    std::string common_name;       ///< subject CN
    std::string verify_error;      ///< why `!verified` (OpenSSL's reason, or no such CA)
    bool client_ca_verified = false; ///< it chains to the client CA (`--client-ca-file`)
    std::string client_ca_error{};   ///< why `!client_ca_verified`
    std::vector<std::string> organizations{}; ///< subject O values: the groups of an x509 user
};

/// One request header, name as received (compared case-insensitively).
using Header = std::pair<std::string_view, std::string_view>;

/// Request-header authentication of the aggregator (kubernetes-contracts §2.6, the
/// `--requestheader-*` flags or the cluster's `extension-apiserver-authentication` ConfigMap).
/// The user is the first non-empty value of the first username header present; every value of
/// every group header is a group; `<prefix><key>` headers are extras (key lowercased and
/// percent-decoded). Header names compare case-insensitively.
struct RequestHeaderConfig {
    /// False when no request-header CA is known: request-header authentication is off.
    bool enabled = false;
    /// Accepted client certificate CNs; empty = any certificate signed by the CA.
    std::vector<std::string> allowed_names;
    std::vector<std::string> username_headers{"X-Remote-User"};
    std::vector<std::string> group_headers{"X-Remote-Group"};
    std::vector<std::string> extra_headers_prefix{"X-Remote-Extra-"};
    /// Headers naming the user's UID (Kubernetes suggests X-Remote-Uid); none by default.
    std::vector<std::string> uid_headers{};
};

/// An enabled RequestHeaderConfig: `allowed_names`, and each header list that is not empty in
/// place of its default (as the `--requestheader-*` flags and the ConfigMap's keys give them).
[[nodiscard]] RequestHeaderConfig request_header_config(std::vector<std::string> allowed_names,
                                                        const std::vector<std::string>& username_headers,
                                                        const std::vector<std::string>& group_headers,
                                                        const std::vector<std::string>& extra_headers_prefix,
                                                        const std::vector<std::string>& uid_headers = {});

/// How requests are authenticated at a moment: request headers from the aggregator, client
/// certificates of the client CA, bearer tokens. Built from flags and, in a cluster, from the
/// `extension-apiserver-authentication` ConfigMap; replaced as a whole when either changes.
struct AuthenticationSettings {
    RequestHeaderConfig request_header;
    /// The request-header CA (non-null exactly when `request_header.enabled`, except in tests
    /// that give verified ClientCertificates directly).
    std::shared_ptr<const CertificateBundle> request_header_ca{};
    /// Direct clients with a certificate of this CA are the user of its CN in the groups of its
    /// O values; null: x509 client authentication is off.
    std::shared_ptr<const CertificateBundle> client_ca{};
    /// x509 client authentication is on (set with `client_ca`; tests set it alone).
    bool client_certificates = false;
    /// Where the settings came from, for logs ("flags", "ConfigMap kube-system/...").
    std::string origin{};
};

/// The authentication settings in force, replaced atomically while requests are served.
/// Thread-safe.
class AuthenticationState {
public:
    explicit AuthenticationState(AuthenticationSettings initial = {})
        : current_(std::make_shared<const AuthenticationSettings>(std::move(initial)))
    {
    }
    /// The settings in force now; they stay valid as long as the caller holds them.
    [[nodiscard]] std::shared_ptr<const AuthenticationSettings> current() const
    {
        const std::lock_guard lock(mutex_);
        return current_;
    }
    /// Puts `settings` in force for every request and handshake from now on.
    void update(AuthenticationSettings settings)
    {
        auto next = std::make_shared<const AuthenticationSettings>(std::move(settings));
        const std::lock_guard lock(mutex_);
        current_.swap(next);
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const AuthenticationSettings> current_;
};

/// The identity of an unauthenticated caller: `system:anonymous` in `system:unauthenticated`.
[[nodiscard]] Identity anonymous_identity();

/// Authenticates a request. With `config.enabled == false` the caller is anonymous. Otherwise
/// the client certificate must be verified, allowed for client authentication and have an
/// allowed CN, and `X-Remote-User` must be non-empty; then the identity is read from the
/// headers and `system:authenticated` is added to the groups. Anything else is a 401 whose
/// message says what was missing. `headers` may hold unrelated headers; they are ignored.
[[nodiscard]] std::expected<Identity, ApiError>
authenticate(const RequestHeaderConfig& config, const ClientCertificate& cert,
             const std::vector<Header>& headers);

/// The identity of a client certificate verified by the client CA: its CN as the user, its O
/// values as groups, plus `system:authenticated`.
[[nodiscard]] Identity certificate_identity(const ClientCertificate& cert);

/// A bearer token (`Authorization: Bearer <token>`) the TokenAuthenticator must review.
struct BearerToken {
    std::string_view token;
};

/// What the synchronous authenticators decided: an identity, a bearer token to review, or the
/// 401 to answer.
using AuthenticationStep = std::variant<Identity, BearerToken, ApiError>;

/// Authenticates a request as k8s.io/apiserver's union authenticator does, in order: request
/// headers (a certificate of the request-header CA with an allowed CN and a user header),
/// a certificate of the client CA, a bearer token (when `tokens` is true: a TokenAuthenticator
/// is there to review it). The first that succeeds wins. When nothing is configured (no
/// request-header CA, no client CA, no tokens) every caller is anonymous; otherwise a request
/// that none authenticates is a 401 whose message gives each authenticator's reason.
[[nodiscard]] AuthenticationStep authenticate_request(const AuthenticationSettings& settings, bool tokens,
                                                      const ClientCertificate& cert,
                                                      const std::vector<Header>& headers);

/// Bearer-token authentication (TokenReview in a cluster), asynchronous like the Authorizer.
class TokenAuthenticator {
public:
    /// The caller, or the 401 to answer.
    using Result = std::expected<Identity, ApiError>;
    /// Called once with the outcome, on any thread.
    using Callback = std::function<void(const Result& result)>;

    virtual ~TokenAuthenticator() = default;
    /// The outcome when it is known without I/O (a cached review); nullopt when
    /// authenticate_async() must be asked. Called on I/O threads: must be cheap.
    [[nodiscard]] virtual std::optional<Result> cached(std::string_view token) const = 0;
    /// Authenticates and calls `done` once, on the calling thread or later on another one.
    /// Never blocks on the network.
    virtual void authenticate_async(std::string_view token, Callback done) const = 0;
};

/// What a request asks to do, as Kubernetes' authorizer `Attributes`.
struct RequestAttributes {
    std::string verb;          ///< "get" or "list" (metric reads are "list", like upstream)
    std::string path;          ///< request path without query
    bool resource_request = false;
    std::string api_group;     ///< resource requests only
    std::string api_version;
    std::string ns;
    std::string resource;      ///< the metric name for metric reads
    std::string name;          ///< the object named, if any (the debug view: "debug")
};

/// The outcome of authorizing one request: allowed, or the error (a 403 Status) to answer.
struct Authorization {
    bool allowed = false;
    ApiError denial{}; ///< meaningful when `!allowed`
};

/// The authorization seam (SubjectAccessReview in a cluster), asynchronous so that a decision
/// that needs the network never blocks an I/O thread. Consulted after authentication for every
/// request but the health endpoints. Implementations are called concurrently.
class Authorizer {
public:
    /// Called once with the decision, on any thread.
    using Callback = std::function<void(const Authorization& authorization)>;

    virtual ~Authorizer() = default;
    /// The decision when it is known without I/O (cache, always-allow rules); nullopt when
    /// authorize_async() must be asked. Called on I/O threads: must be cheap.
    [[nodiscard]] virtual std::optional<Authorization>
    cached(const Identity& identity, const RequestAttributes& attributes) const = 0;
    /// Decides and calls `done` once, on the calling thread or later on another one. Never
    /// blocks on the network.
    virtual void authorize_async(const Identity& identity, const RequestAttributes& attributes,
                                 Callback done) const = 0;
};

/// Allows every authenticated request (Kubernetes' `AlwaysAllow` mode): authentication alone
/// guards the server when no cluster is there to review requests.
class AlwaysAllowAuthorizer final : public Authorizer {
public:
    [[nodiscard]] std::optional<Authorization> cached(const Identity&,
                                                      const RequestAttributes&) const override
    {
        return Authorization{true, {}};
    }
    void authorize_async(const Identity&, const RequestAttributes&, Callback done) const override
    {
        done(Authorization{true, {}});
    }
};

} // namespace ihpa::apiserver
