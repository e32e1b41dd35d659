#pragma once

#include "test/fakes/test_http_server.hpp"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace ihpa::test {

/// An in-process kube-apiserver for client tests, over TLS or plain HTTP: an object store per
/// resource path (`/api/v1/configmaps`, `/apis/coordination.k8s.io/v1/leases`, ...) with
/// namespaces and one resourceVersion counter, get/list (label selectors of the form
/// `k=v,k!=v,k`, fieldSelector `metadata.name=`, limit/continue), watch from a resourceVersion
/// (bookmarks, an ERROR 410 event when the RV is older than the retained window,
/// timeoutSeconds), create (409 AlreadyExists), update (409 Conflict on a stale
/// resourceVersion), delete (preconditions), merge patch, server-side apply (fieldManager
/// required; applied as a merge, no field-ownership conflicts), the status subresource (for
/// the plurals named in Options), and injectable faults.
class FakeKubeApiServer {
public:
    struct Options {
        std::size_t retained_events = 1000;        ///< watch history window
        std::set<std::string> status_plurals{};    ///< plurals with a status subresource
        /// Plurals with a `scale` subresource (GET only): an autoscaling/v1 Scale of the
        /// object's spec.replicas, and its spec.selector.matchLabels as status.selector.
        std::set<std::string> scale_plurals{};
        /// Documents served as they are on GET of exactly their path (discovery documents
        /// such as /apis/apps/v1, aggregated APIs such as metrics.k8s.io).
        std::map<std::string, nlohmann::json> documents{};
        /// Tests that step an informer: a watch sends what it has after its RV (and a bookmark
        /// when asked) and then ends, instead of waiting for more.
        bool end_watches_when_caught_up = false;
        ServerTls tls{};                           ///< empty: plain HTTP
    };

    explicit FakeKubeApiServer(Options options);
    ~FakeKubeApiServer();

    /// The server's base URL.
    [[nodiscard]] std::string url() const { return server_.url(); }
    /// The port.
    [[nodiscard]] int port() const { return server_.port(); }

    /// The next `count` requests (of any kind) get `status` with a Status of `reason`.
    void fail_next(int count, int status, const std::string& reason);
    /// The next request waits until `gate` opens before it is answered.
    void delay_next(class Gate& gate);
    /// Serves `document` on GET of `path` from now on (see Options::documents).
    void set_document(const std::string& path, nlohmann::json document);
    /// Ends every open watch abruptly (the connection is closed mid-stream).
    void drop_watches();
    /// Forgets watch history up to now: watches from older RVs get 410.
    void compact();

    /// Stores `object` directly (as if another client created it); returns it with its RV.
    nlohmann::json put(const std::string& collection_path, nlohmann::json object);
    /// Deletes directly; false when absent.
    bool erase(const std::string& collection_path, const std::string& ns, const std::string& name);
    /// The stored object, or null.
    [[nodiscard]] nlohmann::json object(const std::string& collection_path, const std::string& ns,
                                        const std::string& name) const;
    /// Every request so far (method and target).
    [[nodiscard]] std::vector<ServerRequest> requests() const;
    /// The current resourceVersion.
    [[nodiscard]] long resource_version() const;
    /// Watches currently open.
    [[nodiscard]] int open_watches() const;

private:
    struct Event {
        long rv;
        std::string collection; ///< collection path without namespace
        std::string type;
        nlohmann::json object;
    };
    struct Route {
        std::string collection; ///< "/api/v1/configmaps"
        std::string plural;
        std::string ns, name, subresource;
    };

    void handle(const ServerRequest& request, Responder& responder);
    void serve_watch(const ServerRequest& request, const Route& route, Responder& responder);
    nlohmann::json list(const ServerRequest& request, const Route& route) const;
    /// The Scale of an object of a scale plural, or a 404 Status.
    std::pair<int, nlohmann::json> scale(const Route& route) const;
    void write_locked(const std::string& collection, const std::string& type, nlohmann::json object);
    std::pair<int, nlohmann::json> mutate(const ServerRequest& request, const Route& route);

    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    long rv_ = 1;
    std::map<std::string, std::map<std::string, nlohmann::json>> store_; ///< collection → ns/name → object
    std::deque<Event> events_;
    long oldest_rv_ = 1; ///< watches from an RV below this get 410
    int fail_count_ = 0;
    int fail_status_ = 0;
    std::string fail_reason_;
    class Gate* delay_ = nullptr;
    long drop_generation_ = 0;
    int open_watches_ = 0;
    bool stopping_ = false;
    std::vector<ServerRequest> requests_;
    TestHttpServer server_; ///< last: started after the state above, stopped first
};

} // namespace ihpa::test
