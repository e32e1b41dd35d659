#pragma once

#include "kube/backoff.hpp"
#include "kube/client.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::kube {

/// What an informer watches.
struct InformerOptions {
    ResourceType type;
    std::string ns{};             ///< empty: all namespaces
    std::string label_selector{};
    std::string field_selector{};
    long list_page_size = 500;    ///< list in pages of this many objects
    long watch_timeout_seconds = 300;
    BackoffPolicy backoff{};      ///< between attempts after a failure
};

/// Callbacks of an informer, called on the thread that runs it, in event order.
struct InformerHandlers {
    std::function<void(const Json& object)> on_add{};
    std::function<void(const Json& old_object, const Json& new_object)> on_update{};
    std::function<void(const Json& object)> on_delete{};
};

/// A list+watch loop keeping a local cache of one resource type ("reflector"): it lists, then
/// watches from the list's resourceVersion; after a dropped or failed watch it resumes from the
/// last resourceVersion seen (events and bookmarks) after a backoff; on 410 Gone (an HTTP 410
/// or an ERROR event with code 410) it lists again and reconciles the cache, reporting the
/// differences as adds, updates and deletes. Driven by run_once() steps (deterministic tests)
/// or run(). Steps and callbacks run on one thread; the cache readers are thread-safe.
class Informer {
public:
    Informer(KubeClient& client, InformerOptions options, InformerHandlers handlers, RandomSource random,
             Sleeper sleep);

    /// One step: after a failure, first waits the backoff (at least the server's Retry-After,
    /// for 429 and 503); then lists when needed (first step,
    /// after 410) or watches until the watch ends. Returns the failure of the step, if any.
    std::expected<void, KubeError> run_once(const std::shared_ptr<net::CancelToken>& cancel = nullptr);
    /// Steps until `cancel` is cancelled; failures are retried.
    void run(const std::shared_ptr<net::CancelToken>& cancel);

    /// True once a list succeeded (the cache reflects the server).
    [[nodiscard]] bool synced() const;
    /// The last resourceVersion seen (list, event or bookmark).
    [[nodiscard]] std::string resource_version() const;
    /// True when the next step lists (first step, or after 410 Gone).
    [[nodiscard]] bool needs_list() const { return needs_list_; }
    /// The cached object `ns`/`name`, or nullopt.
    [[nodiscard]] std::optional<Json> find(const std::string& ns, const std::string& name) const;
    /// Every cached object, ordered by namespace and name.
    [[nodiscard]] std::vector<Json> items() const;

private:
    std::expected<void, KubeError> relist();
    std::expected<void, KubeError> watch(const std::shared_ptr<net::CancelToken>& cancel);
    /// Applies one ADDED/MODIFIED/DELETED object to the cache and calls the handler.
    void apply(const std::string& type, const Json& object);

    KubeClient& client_;
    InformerOptions options_;
    InformerHandlers handlers_;
    Backoff backoff_;
    Sleeper sleep_;
    bool needs_list_ = true;
    bool failed_ = false;
    std::chrono::milliseconds retry_after_{0}; ///< the server's Retry-After of the last failure
    mutable std::mutex mutex_; ///< guards cache_, resource_version_, synced_
    std::map<std::string, Json> cache_; ///< by "namespace/name"
    std::string resource_version_;
    bool synced_ = false;
};

} // namespace ihpa::kube
