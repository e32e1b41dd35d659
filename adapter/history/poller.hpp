#pragma once

#include "adapter/history/history_log.hpp"
#include "adapter/history/history_store.hpp"
#include "adapter/history/labelled_query.hpp"
#include "adapter/source/metric_source.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace ihpa::adapter {

/// What a poller reports about its source (for /metrics and logs).
struct PollerStatus {
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::int64_t consecutive_failures = 0;
    std::string last_error; ///< empty after a success
    std::int64_t polls = 0;
    std::int64_t errors = 0;
    std::int64_t backfilled_points = 0;
};

/// Reads one source into the history store. Each target (a query feeding one stored series) is
/// polled every `interval` (jittered ±10 % so replicas and sources do not beat in step); after a
/// failure the wait doubles per consecutive failure up to 1 minute (or the interval, when longer),
/// so a source that is back is noticed within a minute. A query that returns several
/// series records their sum (forecasts are of workload totals); an empty answer records nothing.
/// When the source keeps history, a new target and any target whose latest value is older than
/// two polls (start-up after a snapshot, an outage) is backfilled with a range query from its
/// latest value (or the start of its window) to now before polling resumes.
/// `run_once` does one round and never sleeps; a loop (or a test) calls it again at the time it
/// returns. A round first collects every point it read (backfilled and polled), then stores
/// them: with a history log, as one record appended (and made durable) before they are recorded
/// in the series, so a point counts as stored only once it survives a crash.
/// Labelled targets (external rules' queries) are polled in the same round with the same
/// interval and back-off; their whole answer replaces the previous one (they keep no history,
/// are not logged and are not backfilled).
/// Target changes and `status` are thread-safe; `run_once` runs on one thread at a time.
class Poller {
public:
    /// `interval` > 0; `seed` makes the jitter reproducible; `log` (optional) receives each
    /// round's points before the series do.
    Poller(std::string source_name, std::shared_ptr<MetricSource> source,
           std::chrono::milliseconds interval, std::uint64_t seed,
           std::shared_ptr<HistoryLog> log = nullptr);

    /// Adds (or replaces) the target `key`: `query` read into `series`. `key` is the series'
    /// key in the history store: the log records points under it, and replay finds it there.
    void set_target(const std::string& key, const std::string& query,
                    std::shared_ptr<StoredSeries> series);
    /// Stops polling `key`.
    void remove_target(const std::string& key);

    /// Adds (or replaces) the labelled target `key`: `query`'s whole answer kept in `answer`.
    void set_labelled_target(const std::string& key, const std::string& query,
                             std::shared_ptr<LabelledQuery> answer);
    /// Stops polling the labelled target `key`.
    void remove_labelled_target(const std::string& key);

    /// One round: backfills what needs it, polls every target once. Returns when to run again.
    std::chrono::system_clock::time_point run_once(std::chrono::system_clock::time_point now);

    [[nodiscard]] PollerStatus status() const;
    [[nodiscard]] const std::string& source_name() const { return source_name_; }

private:
    struct Target {
        std::string key;
        std::string query;
        std::shared_ptr<StoredSeries> series;
    };
    /// Points a round read for one target, not yet stored.
    struct Read {
        const Target* target;
        std::vector<Sample> samples;
    };

    /// The samples that backfill `target` up to `now`; nullopt on a source error (`error` set).
    std::optional<std::vector<Sample>> backfill(const Target& target,
                                                std::chrono::system_clock::time_point now,
                                                std::string& error);
    /// Stores a round's points: appended to the log first when there is one.
    void store(const std::vector<Read>& reads);
    [[nodiscard]] bool needs_backfill(const Target& target,
                                      std::chrono::system_clock::time_point now) const;
    [[nodiscard]] std::chrono::milliseconds jittered(std::chrono::milliseconds wait);

    std::string source_name_;
    std::shared_ptr<MetricSource> source_;
    std::chrono::milliseconds interval_;
    std::mt19937_64 random_;
    std::shared_ptr<HistoryLog> log_;

    struct LabelledTarget {
        std::string query;
        std::shared_ptr<LabelledQuery> answer;
    };

    mutable std::mutex mutex_; ///< guards targets_, labelled_ and status_
    std::map<std::string, Target> targets_;
    std::map<std::string, LabelledTarget> labelled_;
    PollerStatus status_;
};

} // namespace ihpa::adapter
