#pragma once

#include "adapter/background_loop.hpp"
#include "adapter/clock.hpp"
#include "adapter/serving/composite_provider.hpp"
#include "adapter/config/config.hpp"
#include "adapter/serving/forecast_registry.hpp"
#include "adapter/serving/forecasting_provider.hpp"
#include "adapter/serving/registry_debug_view.hpp"
#include "adapter/history/fitter.hpp"
#include "adapter/history/history_log.hpp"
#include "adapter/history/history_store.hpp"
#include "adapter/history/snapshot.hpp"
#include "adapter/serving/external_rules_provider.hpp"

#include <atomic>
#include <chrono>
#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// How the adapter runs in the background.
struct AdapterOptions {
    std::filesystem::path state_dir; ///< history snapshots and log; empty: not persisted
    std::chrono::seconds snapshot_interval{300}; ///< how often a snapshot is written
    std::chrono::seconds fit_tick{5};            ///< how often the fitter looks for due refits
    unsigned fit_workers = 1;                    ///< fitter threads
    std::uint64_t seed = 1;                      ///< poll jitter
    /// Sources every configuration gets in addition to its own (unless it defines one of the
    /// same name), e.g. the resource metrics API when the controller runs in a cluster.
    std::vector<SourceConfig> implicit_sources;
};

/// A source of the applied configuration, as the controller sees it.
struct SourceInfo {
    std::string name;
    std::string kind; ///< a `SourceKind::name`, or the kind of an implicit source
    std::chrono::milliseconds interval{}; ///< how often it is polled
};

/// The adapter: history store, registry, sources with their pollers, fitter, snapshots, and the
/// provider the server serves. `run_once` advances everything deterministically (tests); `start`
/// runs the same steps on background threads.
class Adapter {
public:
    /// `clock` must outlive the adapter.
    Adapter(const Clock& clock, AdapterOptions options);
    ~Adapter();
    Adapter(const Adapter&) = delete;
    Adapter& operator=(const Adapter&) = delete;

    /// Loads the state directory's snapshot into the history store (before `apply`). A missing
    /// snapshot loads nothing; a corrupt or foreign one is an error the caller reports and
    /// ignores (the store stays empty).
    std::expected<SnapshotLoad, std::string> load_snapshot();
    /// Replays the state directory's history log into the store (after `load_snapshot`, before
    /// the first `apply`; see `replay_log` in history_log.hpp), logs what it did (a warning per
    /// torn tail, an error per segment set aside) and starts the segment this run appends every
    /// poll round to. Without a state directory it does nothing, and nothing is logged; until
    /// it is called, poll rounds are not logged either. The error (the new segment cannot be
    /// created) names the file.
    std::expected<LogReplay, std::string> replay_log();
    /// Writes a snapshot now: starts a new log segment, writes the snapshot, then deletes the
    /// segments it covers (see `HistoryLog`). Bytes written or the error.
    std::expected<std::size_t, std::string> save_snapshot();

    /// Builds the configuration's sources and registers its metrics, forecasts and external
    /// rules. Called again with a new configuration (hot reload), it replaces the sources and
    /// pollers, registers what is new or changed, unregisters what the configuration no longer
    /// has (registrations made through the registry by others stay) and keeps every unchanged
    /// forecast with its fitted model and every series with its history. Errors name the
    /// configuration line (`origin:line: source x: ...`); the adapter is left unchanged then.
    std::expected<void, std::string> apply(const AdapterConfig& config, const std::string& origin,
                                           const FileResolver& resolve);

    /// One round at `now`: every poller once, then the fitter.
    void run_once(std::chrono::system_clock::time_point now);

    /// Starts the background loops: one per poller, the fitter, the snapshot writer.
    void start();
    /// Stops the loops and writes a final snapshot (when a state directory is set).
    void stop();
    /// Empty once every source has been polled (and backfilled) once after `start`, and from
    /// then on; before, why the adapter is not ready (for `/readyz`: serving before that would
    /// answer 503 for data the sources have).
    [[nodiscard]] std::string readiness() const;

    [[nodiscard]] ForecastRegistry& registry() { return registry_; }
    /// The sources of the applied configuration (its own, then the implicit ones).
    [[nodiscard]] std::vector<SourceInfo> sources() const;
    /// The series the pass-through metric `name` (a `metrics[]` entry) serves, if there is one.
    [[nodiscard]] std::optional<SeriesRef> pass_through_series(const std::string& name) const;
    [[nodiscard]] const apiserver::ExternalMetricsProvider& provider() const { return *provider_; }
    /// The debug view of what the registry serves (forecasts and `metrics[]` pass-throughs;
    /// `externalRules` have none).
    [[nodiscard]] const apiserver::DebugViewProvider& debug_view() const { return debug_view_; }
    /// The adapter's `/metrics` families: per forecast and source (`render_adapter_metrics`),
    /// plus the duration of the last fitter round that refitted anything and how many it
    /// refitted, the duration and size of the last snapshot written and loaded, and with a
    /// history log its `ihpa_wal_*` families (`render_log_metrics`).
    [[nodiscard]] std::string render_metrics() const;

private:
    /// What the last applied configuration registered, to tell what a reload changes.
    struct Applied {
        std::map<std::string, ForecastConfig> forecasts; ///< by forecast id
        std::map<std::string, MetricConfig> metrics;     ///< by name
        std::map<std::string, std::chrono::milliseconds> intervals; ///< by source name
        std::shared_ptr<ExternalRulesProvider> rules;
        std::vector<SourceInfo> sources;
    };

    void start_loops();
    /// Records (and logs, once) that every source has been polled once.
    void mark_ready();
    /// Stops and joins the loops, ending a fitter round early.
    void stop_loops();

    /// Figures of the background work for `/metrics`.
    struct Timings {
        std::atomic<double> fit_round_seconds{0.0};
        std::atomic<std::size_t> fit_round_fitted{0};
        std::atomic<double> fit_round_end{0.0};
        std::atomic<double> snapshot_write_seconds{0.0};
        std::atomic<std::size_t> snapshot_bytes{0};
        std::atomic<double> snapshot_load_seconds{0.0};
    };

    const Clock& clock_;
    AdapterOptions options_;
    HistoryStore store_;
    ForecastRegistry registry_;
    std::shared_ptr<ForecastingProvider> forecasting_;
    std::shared_ptr<CompositeProvider> provider_;
    RegistryDebugView debug_view_;
    Fitter fitter_;
    std::shared_ptr<HistoryLog> log_; ///< set by replay_log; null without a state directory
    LogReplay replayed_;              ///< what replay_log did
    std::mutex apply_mutex_; ///< one apply/start/stop at a time
    mutable std::mutex applied_mutex_; ///< guards applied_ for readers outside apply
    Applied applied_;
    bool running_ = false;
    std::atomic<bool> ready_{false}; ///< see readiness()
    Timings timings_;
    std::stop_source loops_stop_; ///< asks the running loops' long steps to end early
    std::vector<std::unique_ptr<BackgroundLoop>> loops_;
};

} // namespace ihpa::adapter
