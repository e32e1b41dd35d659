#pragma once

#include "apiserver/authn.hpp"
#include "auth/clock.hpp"
#include "auth/coalescing_pool.hpp"
#include "auth/subject_access_review.hpp"
#include "auth/ttl_cache.hpp"
#include "auth/user.hpp"
#include "kube/client.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::auth {

/// How the delegated authorizer decides and caches; defaults are k8s.io/apiserver's
/// DelegatingAuthorizationOptions.
struct SubjectAccessReviewOptions {
    /// `--authorization-webhook-cache-authorized-ttl`: how long an allow is reused.
    std::chrono::milliseconds allowed_ttl{10000};
    /// `--authorization-webhook-cache-unauthorized-ttl`: how long a deny is reused.
    std::chrono::milliseconds denied_ttl{10000};
    /// `--authorization-always-allow-paths`: allowed for everyone without a review; an entry
    /// ending in `*` matches every path it is a prefix of.
    std::vector<std::string> always_allow_paths{"/healthz", "/readyz", "/livez"};
    /// Members of these groups are allowed everything without a review.
    std::vector<std::string> always_allow_groups{"system:masters"};
    std::size_t cache_entries = 10000; ///< per cache (allows and denies are held apart)
    std::size_t workers = 2;           ///< threads making reviews
    std::size_t queue_limit = 1000;    ///< distinct reviews waiting; more are denied at once
    SteadyClock clock = system_steady_clock();
};

/// Authorization delegated to the cluster, as k8s.io/apiserver's delegated authorizer: each
/// decision not answered by the always-allow rules or the caches is a SubjectAccessReview
/// created through `client` (which needs `create` on `subjectaccessreviews`, e.g. ClusterRole
/// `system:auth-delegator`). Allows and denies are cached apart, keyed by the whole review, for
/// their TTLs. A review that fails (transport error, an error answer, no status) is a deny whose
/// reason says what failed, and is NOT cached, like upstream: a cached failure would deny every
/// caller for a whole TTL after the cluster recovered, while the coalescing of identical
/// reviews already bounds the load a failing reviewer sees. Thread-safe.
class SubjectAccessReviewAuthorizer final : public apiserver::Authorizer {
public:
    /// Called once with the decision.
    using Callback = std::function<void(const Decision& decision)>;

    /// Reviews through `client`, which must outlive this object.
    SubjectAccessReviewAuthorizer(kube::KubeClient& client, SubjectAccessReviewOptions options);

    /// The decision without any I/O: always-allow rules, then the caches; nullopt when a review
    /// is needed. Safe on an I/O thread.
    [[nodiscard]] std::optional<Decision> cached(const User& user, const apiserver::RequestAttributes& attributes) const;

    /// Decides and calls `done` once: on the calling thread when cached() answers (or the review
    /// queue is full: a deny), else on a worker thread after the review. Concurrent identical
    /// reviews share one call. Never blocks on the network.
    void authorize_async(const User& user, const apiserver::RequestAttributes& attributes, Callback done) const;

    /// Decides, blocking the caller until the review (if one is needed) is answered.
    [[nodiscard]] Decision authorize(const User& user, const apiserver::RequestAttributes& attributes) const;

    /// apiserver::Authorizer: cached() for `identity` (no UID); a deny is forbidden_error().
    [[nodiscard]] std::optional<apiserver::Authorization>
    cached(const apiserver::Identity& identity, const apiserver::RequestAttributes& attributes) const override;

    /// apiserver::Authorizer: authorize_async() for `identity` (no UID); a deny is
    /// forbidden_error().
    void authorize_async(const apiserver::Identity& identity, const apiserver::RequestAttributes& attributes,
                         apiserver::Authorizer::Callback done) const override;

    /// Reviews sent to the cluster so far.
    [[nodiscard]] std::size_t reviews_sent() const;

private:
    /// The review for `key`: the cache again (another caller may have filled it), else a call.
    Decision review(const std::string& key, const nlohmann::json& body) const;
    [[nodiscard]] bool always_allowed(const User& user, const apiserver::RequestAttributes& attributes) const;

    kube::KubeClient& client_;
    SubjectAccessReviewOptions options_;
    // The seam is const (the server holds a `const Authorizer&`); caches and pool are its
    // internal, thread-safe state.
    mutable TtlCache<Decision> allowed_;
    mutable TtlCache<Decision> denied_;
    mutable std::mutex mutex_; ///< guards reviews_sent_
    mutable std::size_t reviews_sent_ = 0;
    mutable CoalescingPool<Decision> pool_; ///< last: its workers stop before the rest goes
};

} // namespace ihpa::auth
