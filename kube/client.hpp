#pragma once

#include "kube/api_error.hpp"
#include "kube/backoff.hpp"
#include "kube/config.hpp"
#include "kube/resource.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ihpa::kube {

using Json = nlohmann::json;

/// Selectors and paging of a list (or the selectors of a watch).
struct ListOptions {
    std::string label_selector{};
    std::string field_selector{};
    long limit = 0;               ///< page size; 0: the server's choice (everything)
    std::string continue_token{};   ///< from the previous page's metadata.continue
    std::string resource_version{}; ///< "" (most recent, quorum read) or "0" (any cached) or an RV
};

/// How a watch starts.
struct WatchOptions {
    std::string label_selector{};
    std::string field_selector{};
    std::string resource_version{};   ///< events after this RV ("" or "0": from the current state)
    bool allow_bookmarks = true;    ///< ask for BOOKMARK events (they carry only the new RV)
    long timeout_seconds = 300;     ///< the server ends the watch after this (0: its default)
    std::shared_ptr<net::CancelToken> cancel{}; ///< ends the watch from another thread
};

/// One watch event: type ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (object is then a Status).
struct WatchEvent {
    std::string type{};
    Json object;
};

/// Receives watch events in order; returning false ends the watch.
using WatchHandler = std::function<bool(const WatchEvent& event)>;

/// How a watch ended without an error.
enum class WatchEnd {
    Closed,    ///< the server ended it (timeoutSeconds, or it closed the stream cleanly)
    Stopped,   ///< the handler returned false
    Cancelled, ///< WatchOptions::cancel
};

/// How a DELETE is made.
struct DeleteOptions {
    std::string propagation_policy{};     ///< "", "Orphan", "Background" or "Foreground"
    std::string precondition_uid{};       ///< delete only this incarnation
    std::string precondition_resource_version{}; ///< delete only if unchanged
};

/// The kind of PATCH.
enum class PatchType {
    Merge, ///< JSON merge patch (RFC 7386), application/merge-patch+json
    Apply, ///< server-side apply, application/apply-patch+yaml (the body may be JSON)
};

/// Options of a PATCH.
struct PatchOptions {
    std::string field_manager{}; ///< required for Apply
    bool force = false;        ///< Apply: take over fields other managers own
};

/// Kubernetes REST verbs over net/. Objects are JSON documents. Each call runs within the HTTP
/// client's whole-request timeout; a watch within its timeoutSeconds and the idle timeout.
/// Thread-safe: ordinary calls share one kept-alive connection (one at a time), each watch has
/// its own client, so a watch never blocks the other calls.
class KubeClient {
public:
    /// Uses `requests` for ordinary calls and `make_watch_client` for each watch's connection.
    KubeClient(std::string server, std::unique_ptr<net::HttpClient> requests,
               std::function<std::expected<std::unique_ptr<net::HttpClient>, std::string>()> make_watch_client);

    /// GET one object, or its `subresource` (e.g. "scale").
    [[nodiscard]] std::expected<Json, KubeError> get(const ResourceType& type, const std::string& ns,
                                                     const std::string& name,
                                                     const std::string& subresource = "");
    /// GET any path of the API (a discovery document such as `/apis/apps/v1`, an aggregated
    /// API such as `/apis/metrics.k8s.io/v1beta1/...`), which may carry its own query string;
    /// the body of the 2xx answer as it came.
    [[nodiscard]] std::expected<std::string, KubeError> get_text(const std::string& path_and_query);
    /// One page of a list (a `*List` object with items, metadata.resourceVersion/continue).
    [[nodiscard]] std::expected<Json, KubeError> list(const ResourceType& type, const std::string& ns,
                                                      const ListOptions& options = {});
    /// Every page of a list, followed through metadata.continue: the last page's list object
    /// with the items of all pages (its resourceVersion is the first page's, as the server
    /// serves all pages from one snapshot).
    [[nodiscard]] std::expected<Json, KubeError> list_all(const ResourceType& type, const std::string& ns,
                                                          ListOptions options = {});
    /// POST a new object (its metadata.namespace, when set, must be `ns`).
    [[nodiscard]] std::expected<Json, KubeError> create(const ResourceType& type, const std::string& ns,
                                                        const Json& object);
    /// PUT `object` (or its `subresource`, e.g. "status"); its metadata.resourceVersion makes
    /// the update conditional (409 when stale).
    [[nodiscard]] std::expected<Json, KubeError> update(const ResourceType& type, const std::string& ns,
                                                        const Json& object, const std::string& subresource = "");
    /// PATCH an object (or its subresource) with `patch` (JSON text).
    [[nodiscard]] std::expected<Json, KubeError> patch(const ResourceType& type, const std::string& ns,
                                                       const std::string& name, PatchType kind,
                                                       const Json& patch, const PatchOptions& options = {},
                                                       const std::string& subresource = "");
    /// DELETE an object; returns the server's answer (the object or a Status).
    [[nodiscard]] std::expected<Json, KubeError> remove(const ResourceType& type, const std::string& ns,
                                                        const std::string& name, const DeleteOptions& options = {});
    /// Watches a collection until the server ends it, the handler stops it or it is cancelled.
    /// An HTTP error answer (e.g. 410 for an expired RV) is a KubeError; an ERROR event is
    /// delivered to the handler like the others.
    [[nodiscard]] std::expected<WatchEnd, KubeError> watch(const ResourceType& type, const std::string& ns,
                                                           const WatchOptions& options, const WatchHandler& on_event);

    /// The idle timeout of watches: timeoutSeconds plus this margin (default 30 s).
    void set_watch_idle_margin(std::chrono::milliseconds margin) { watch_idle_margin_ = margin; }

private:
    /// One request; the body of a 2xx answer, or the error.
    std::expected<std::string, KubeError> call_text(const std::string& method, const std::string& path,
                                                    const net::QueryParameters& query, const std::string& body,
                                                    const std::string& content_type);
    /// Sends one request to `url` (`path` names it in messages).
    std::expected<std::string, KubeError> send(const std::string& method, const std::string& path,
                                               const std::string& url, const std::string& body,
                                               const std::string& content_type);
    /// call_text, with the answer parsed as JSON.
    std::expected<Json, KubeError> call(const std::string& method, const std::string& path,
                                        const net::QueryParameters& query, const std::string& body,
                                        const std::string& content_type);

    std::string server_{};
    std::unique_ptr<net::HttpClient> requests_;
    std::function<std::expected<std::unique_ptr<net::HttpClient>, std::string>()> make_watch_client_;
    std::chrono::milliseconds watch_idle_margin_{30000};
};

/// A client for `config` (one kept-alive connection for calls, one per watch), each request
/// limited by `timeout`.
[[nodiscard]] std::expected<std::unique_ptr<KubeClient>, std::string>
make_kube_client(const ClusterConfig& config, std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// Waits for a duration; injected so retry loops are deterministic in tests.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

/// Optimistic concurrency: GETs the object, applies `mutate` (returning false means "nothing
/// to change": the current object is returned without an update) and PUTs it; on 409 Conflict
/// it reads the object again and retries, up to `attempts` times, waiting `backoff` between
/// tries. Other errors end the loop.
[[nodiscard]] std::expected<Json, KubeError>
update_with_retry(KubeClient& client, const ResourceType& type, const std::string& ns, const std::string& name,
                  const std::function<bool(Json& object)>& mutate, Backoff& backoff, const Sleeper& sleep,
                  int attempts = 5);

/// Sleeps on the calling thread.
[[nodiscard]] Sleeper thread_sleeper();

/// Sleeps on the calling thread, returning early once `cancel` is cancelled.
[[nodiscard]] Sleeper cancellable_sleeper(std::shared_ptr<net::CancelToken> cancel);

} // namespace ihpa::kube
