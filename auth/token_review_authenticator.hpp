#pragma once

#include "apiserver/authn.hpp"
#include "auth/clock.hpp"
#include "auth/coalescing_pool.hpp"
#include "auth/ttl_cache.hpp"
#include "auth/user.hpp"
#include "kube/client.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::auth {

/// The outcome of authenticating a bearer token: the user, or why the token was refused.
using TokenResult = std::expected<User, std::string>;

/// How bearer tokens are reviewed and cached; defaults are k8s.io/apiserver's
/// DelegatingAuthenticationOptions.
struct TokenReviewOptions {
    /// `--authentication-token-webhook-cache-ttl`: how long a TokenReview's answer (a user,
    /// or a refusal) is reused; both outcomes use it, as upstream's delegating authenticator.
    std::chrono::milliseconds cache_ttl{10000};
    /// spec.audiences of the review; empty: the API server's own audiences.
    std::vector<std::string> audiences{};
    std::size_t cache_entries = 10000;
    std::size_t workers = 2;
    std::size_t queue_limit = 1000;
    SteadyClock clock = system_steady_clock();
};

/// The `authentication.k8s.io/v1` TokenReview for `token` (spec.token, spec.audiences when
/// given).
[[nodiscard]] nlohmann::json token_review(const std::string& token, const std::vector<std::string>& audiences);

/// The user of a TokenReview answer (status.user: username, uid, groups, extra, with
/// `system:authenticated` added when missing, as upstream's AuthenticatedGroupAdder), or the
/// refusal: status.error, or "token not authenticated" when status.authenticated is not true.
[[nodiscard]] TokenResult user_from_token_review(const nlohmann::json& review);

/// Bearer-token authentication delegated to the cluster: each token not in the cache is a
/// TokenReview created through `client` (which needs `create` on `tokenreviews`, e.g.
/// ClusterRole `system:auth-delegator`). Answers are cached by the token's SHA-256 (tokens are
/// not kept) for cache_ttl; a review that fails (transport or error answer) is a refusal
/// saying so and is not cached. Concurrent reviews of one token share one call. Thread-safe.
/// It is the server's TokenAuthenticator: a refusal is a 401 Status naming the reason.
class TokenReviewAuthenticator final : public apiserver::TokenAuthenticator {
public:
    /// Called once with the outcome.
    using Callback = std::function<void(const TokenResult& result)>;

    /// Reviews through `client`, which must outlive this object.
    TokenReviewAuthenticator(kube::KubeClient& client, TokenReviewOptions options);

    /// The cached outcome for `token` without I/O; nullopt when a review is needed (an empty
    /// token is refused at once).
    [[nodiscard]] std::optional<TokenResult> cached_user(const std::string& token) const;

    /// Authenticates and calls `done` once: on the calling thread when cached() answers (or
    /// the queue is full: a refusal), else on a worker thread. Never blocks on the network.
    void authenticate_user_async(const std::string& token, Callback done) const;

    /// Authenticates, blocking the caller until the review (if needed) is answered.
    [[nodiscard]] TokenResult authenticate(const std::string& token) const;

    /// apiserver::TokenAuthenticator: cached_user() for `token` (the identity without UID).
    [[nodiscard]] std::optional<apiserver::TokenAuthenticator::Result> cached(std::string_view token) const override;
    /// apiserver::TokenAuthenticator: authenticate_user_async() for `token`.
    void authenticate_async(std::string_view token, apiserver::TokenAuthenticator::Callback done) const override;

    /// Reviews sent to the cluster so far.
    [[nodiscard]] std::size_t reviews_sent() const;

private:
    TokenResult review(const std::string& key, const std::string& token) const;

    kube::KubeClient& client_;
    TokenReviewOptions options_;
    // The seam is const (the server holds a `const TokenAuthenticator*`); cache and pool are
    // its internal, thread-safe state.
    mutable TtlCache<TokenResult> cache_;
    mutable std::mutex mutex_; ///< guards reviews_sent_
    mutable std::size_t reviews_sent_ = 0;
    mutable CoalescingPool<TokenResult> pool_; ///< last: its workers stop before the rest goes
};

} // namespace ihpa::auth
