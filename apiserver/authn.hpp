#pragma once

#include "apiserver/api_error.hpp"

#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ihpa::apiserver {

/// Who is calling, as Kubernetes' `user.Info`.
struct Identity {
    std::string user;
    std::vector<std::string> groups;
    std::map<std::string, std::vector<std::string>> extra;
};

/// What the TLS layer learnt about the client's certificate.
struct ClientCertificate {
    bool presented = false;        ///< the client sent a certificate
    bool verified = false;         ///< it chains to the request-header client CA
    bool client_auth_usage = false;///< its ExtKeyUsage allows clientAuth (or it has none)
    std::string common_name;       ///< subject CN
    std::string verify_error;      ///< OpenSSL's reason when `!verified`
};

/// One request header, name as received (compared case-insensitively).
using Header = std::pair<std::string_view, std::string_view>;

/// Request-header authentication of the aggregator (kubernetes-contracts §2.6, the
/// `--requestheader-*` flags). Header names are Kubernetes' defaults: `X-Remote-User`,
/// `X-Remote-Group` (one header per group), `X-Remote-Extra-<key>` (key lowercased and
/// percent-decoded).
struct RequestHeaderConfig {
    /// False when no `--requestheader-client-ca-file` was given: every request is anonymous.
    bool enabled = false;
    /// Accepted client certificate CNs; empty = any certificate signed by the CA.
    std::vector<std::string> allowed_names;
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

/// What a request asks to do, as Kubernetes' authorizer `Attributes`.
struct RequestAttributes {
    std::string verb;          ///< "get" or "list" (metric reads are "list", like upstream)
    std::string path;          ///< request path without query
    bool resource_request = false;
    std::string api_group;     ///< resource requests only
    std::string api_version;
    std::string ns;
    std::string resource;      ///< the metric name for metric reads
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
