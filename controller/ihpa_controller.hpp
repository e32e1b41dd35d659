#pragma once

#include "controller/forecast_backend.hpp"
#include "controller/scale_target.hpp"
#include "controller/work_queue.hpp"
#include "kube/client.hpp"
#include "kube/event_recorder.hpp"
#include "kube/informer.hpp"
#include "kube/leader_elector.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ihpa::controller {

/// ihpa.dev/v1beta1 IntelligentHorizontalPodAutoscalers.
[[nodiscard]] kube::ResourceType ihpa_resource();
/// autoscaling/v2 HorizontalPodAutoscalers.
[[nodiscard]] kube::ResourceType hpa_resource();

/// How the controller loop runs.
struct ControllerOptions {
    unsigned workers = 2;                          ///< IHPAs reconciled in parallel
    std::chrono::seconds resync_period{30};        ///< every IHPA is reconciled at least this often
    RetryPolicy retry{std::chrono::seconds(1), std::chrono::minutes(5)}; ///< failed or unsettled IHPAs
    std::string identity;                          ///< this process, for events (reportingInstance)
    /// Set: only the holder of this Lease writes (HPAs, IHPA status, events); every replica
    /// still registers the forecasts, so each one serves them. Unset: this process always writes.
    std::optional<kube::LeaderElectionOptions> leader_election;
};

/// Counters of the loop, for `/metrics`.
struct ControllerCounters {
    std::atomic<std::uint64_t> reconciled{0};     ///< rounds that ended as decided
    std::atomic<std::uint64_t> failed{0};         ///< rounds that failed (retried)
    std::atomic<std::uint64_t> hpa_created{0};
    std::atomic<std::uint64_t> hpa_updated{0};
    std::atomic<std::uint64_t> status_updated{0};
    std::atomic<std::uint64_t> events_recorded{0};
    std::atomic<std::uint64_t> conflicts{0};      ///< writes refused with 409 (retried)
};

/// The controller loop of `ihpa serve`: informers on IHPAs and HPAs feed a work queue of IHPA
/// keys; workers reconcile each key (its scale target and pods read through the `scale`
/// subresource, its forecasts registered with the backend, then `reconcile`), and, while this
/// process leads, create or update the HPA, write the IHPA status when it changed, and record
/// the events. A key whose round fails, conflicts, or whose forecasts are not servable yet is
/// retried with its own growing delay; the others go on. Status-only changes of an IHPA (our
/// own writes) do not queue it; HPA changes queue their owner. A status whose only change is in
/// the figures that move with every sample is written at most once per resync period. Stepped with `step()` in tests,
/// or run on threads with `start()`.
class IhpaController {
public:
    /// `client` (and `election_client`, used for the Lease only so that renewals never wait
    /// behind reconcile calls; null: `client`) and `backend` must outlive the controller.
    IhpaController(kube::KubeClient& client, kube::KubeClient* election_client, ForecastBackend& backend,
                   ControllerOptions options, kube::WallClock now, SteadyClock steady);
    ~IhpaController();
    IhpaController(const IhpaController&) = delete;
    IhpaController& operator=(const IhpaController&) = delete;

    /// One deterministic round: `sync_informers`, then `process_ready`. Returns the keys
    /// reconciled.
    std::size_t step();
    /// Each informer steps once: lists, or watches until the watch ends.
    void sync_informers();
    /// Reconciles every key ready now (failed or unsettled ones are queued again after their
    /// retry delay). Returns the keys reconciled.
    std::size_t process_ready();
    /// Queues every IHPA in the cache.
    void resync();

    /// Starts the informers, the workers, the resync timer and (when configured) the leader
    /// election on threads.
    void start();
    /// Stops them; gives the Lease up when held.
    void stop();

    /// Sets whether this process writes (what the leader election decides); becoming the
    /// leader queues every IHPA.
    void set_leader(bool leading);
    [[nodiscard]] bool leader() const { return leader_.load(); }
    /// True once both informers have listed.
    [[nodiscard]] bool synced() const;
    [[nodiscard]] const ControllerCounters& counters() const { return counters_; }
    /// Keys waiting in the queue.
    [[nodiscard]] std::size_t queue_depth() const { return queue_.depth(); }
    /// Prometheus text of the loop: leader, queue depth, reconciles and writes.
    [[nodiscard]] std::string render_metrics() const;

private:
    /// Reconciles a key taken from the queue, and retries or forgets it.
    void process(const std::string& key);
    /// Reconciles one IHPA key: true when it is settled (no retry needed).
    bool reconcile_key(const std::string& key);
    /// The writes of a round, as the leader; false when one failed (retry).
    bool write(const kube::Json& ihpa, const ReconcileResult& result);
    /// Whether to write `desired` over `stored`: at once when more than the figures changed,
    /// figures alone at most once per resync period (they move with every sample).
    bool status_due(const std::string& key, const kube::Json& stored, const kube::Json& desired);
    void worker();
    void queue_owner_of(const kube::Json& hpa);

    kube::KubeClient& client_;
    kube::KubeClient& election_client_;
    ForecastBackend& backend_;
    ControllerOptions options_;
    kube::WallClock now_;
    SteadyClock steady_;
    WorkQueue queue_;
    ScaleTargetReader targets_;
    std::unique_ptr<kube::Informer> ihpas_;
    std::unique_ptr<kube::Informer> hpas_;
    std::mutex events_mutex_; ///< the recorder is not thread-safe
    kube::EventRecorder events_;
    std::mutex status_mutex_; ///< guards last_status_write_
    std::map<std::string, std::chrono::steady_clock::time_point> last_status_write_; ///< by key
    std::atomic<bool> leader_;
    ControllerCounters counters_;
    std::shared_ptr<net::CancelToken> cancel_;
    std::vector<std::jthread> threads_;
};

} // namespace ihpa::controller
