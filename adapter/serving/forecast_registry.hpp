#pragma once

#include "adapter/config/config.hpp"
#include "adapter/serving/forecast_state.hpp"
#include "adapter/history/history_store.hpp"
#include "adapter/history/poller.hpp"

#include <atomic>
#include <chrono>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// One servable item of a metric name: a forecast or a pass-through series, with the labels a
/// request's selector is matched against.
struct ServingEntry {
    std::map<std::string, std::string> labels;
    std::optional<std::string> only_namespace;      ///< set: served in that namespace only
    std::shared_ptr<const ForecastState> forecast;  ///< a forecast, or
    std::shared_ptr<const StoredSeries> passthrough; ///< a pass-through series
    std::chrono::seconds max_age{600};              ///< pass-through: older data is not served
};

/// Lowercase metric name → its entries; published whole, read without locks by requests.
using ServingTable = std::map<std::string, std::vector<ServingEntry>, std::less<>>;

/// The registry of what the adapter serves: forecasts (standalone or `ihpa-forecast` entries)
/// and pass-through metrics. Registering one creates its history series in the store and a poll
/// target on its source's poller; unregistering removes them when nothing else uses the series.
/// This is the API the controller drives for IHPAs and the configuration drives for the rest.
/// Every change publishes a new `ServingTable` atomically. Thread-safe.
class ForecastRegistry {
public:
    /// `store` must outlive the registry.
    explicit ForecastRegistry(HistoryStore& store);

    /// Makes a source's poller known, under the source's name.
    void add_poller(std::shared_ptr<Poller> poller);
    /// Replaces every poller (configuration reload): each series in use is handed to the new
    /// poller of its source; series whose source is gone are polled no more (their users are
    /// expected to be unregistered by the caller).
    void set_pollers(const std::vector<std::shared_ptr<Poller>>& pollers);

    /// Registers (or replaces, same id) a forecast. Fails when its source has no poller or its
    /// model name is unknown.
    std::expected<void, std::string> register_forecast(const ForecastConfig& forecast);
    /// Removes the forecast `id` (see `forecast_id`); false when there was none.
    bool unregister_forecast(const std::string& id);

    /// Registers (or replaces, same name) a pass-through metric, polled every `interval`.
    std::expected<void, std::string> register_metric(const MetricConfig& metric,
                                                     std::chrono::milliseconds interval);
    /// Removes the pass-through metric `name`; false when there was none.
    bool unregister_metric(const std::string& name);

    /// The labelled query `query` of the source `source`, polled by that source's poller from its
    /// next round on; identical subscriptions share one. `now` counts as a request for it.
    /// Fails when the source has no poller. External rules subscribe this way.
    std::expected<std::shared_ptr<LabelledQuery>, std::string>
    subscribe(const std::string& source, const std::string& query,
              std::chrono::system_clock::time_point now);
    /// Drops the subscriptions no request needed during `ttl` before `now` (exactly `ttl` ago
    /// still counts). Returns how many were dropped.
    std::size_t expire_subscriptions(std::chrono::system_clock::time_point now,
                                     std::chrono::milliseconds ttl);

    /// Defers publishing the serving table until the matching `end_batch` (many registrations
    /// at once, e.g. a configuration with thousands of forecasts, then cost one rebuild).
    void begin_batch();
    /// Ends a batch and publishes the table.
    void end_batch();

    /// The table requests read.
    [[nodiscard]] std::shared_ptr<const ServingTable> table() const { return table_.load(); }
    /// Every registered forecast, by id.
    [[nodiscard]] std::vector<std::shared_ptr<ForecastState>> forecasts() const;
    /// The forecast `id` (see `forecast_id`), or null.
    [[nodiscard]] std::shared_ptr<ForecastState> find_forecast(const std::string& id) const;
    /// Every poller.
    [[nodiscard]] std::vector<std::shared_ptr<Poller>> pollers() const;

    /// Removes from the store the series nobody has used for `grace` (series loaded from a
    /// snapshot stay that long so the controller can register its forecasts again after a
    /// restart). Returns how many were removed.
    std::size_t prune(std::chrono::system_clock::time_point now, std::chrono::seconds grace);

private:
    struct SeriesUse {
        std::string source;
        std::string query;
        std::shared_ptr<StoredSeries> series;
        std::size_t users = 0;
    };

    /// Creates (or shares) the series and its poll target; mutex_ held.
    std::expected<std::shared_ptr<StoredSeries>, std::string>
    acquire_series(const SeriesRef& ref, std::int64_t step_seconds, std::int64_t capacity,
                   std::string& key);
    /// Drops one use of `key`; mutex_ held.
    void release_series(const std::string& key);
    /// Rebuilds and publishes the serving table; mutex_ held.
    void publish();

    HistoryStore& store_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Poller>> pollers_;
    std::map<std::string, SeriesUse> series_uses_;
    struct Forecast {
        std::shared_ptr<ForecastState> state;
        std::vector<std::string> series_keys; ///< its series, then a traffic forecast's drivers and replicas
    };
    std::map<std::string, Forecast> forecasts_;
    struct Metric {
        MetricConfig config;
        std::shared_ptr<StoredSeries> series;
        std::string series_key;
    };
    std::map<std::string, Metric> metrics_;
    std::map<std::string, std::chrono::system_clock::time_point> unused_since_;
    struct Subscription {
        std::string source;
        std::string query;
        std::shared_ptr<LabelledQuery> answer;
    };
    std::map<std::string, Subscription> subscriptions_; ///< by source + '\n' + query
    std::size_t batch_depth_ = 0;
    std::atomic<std::shared_ptr<const ServingTable>> table_;
};

/// The registry id of a forecast: `ihpa/<namespace>/<name>/<metric>` for IHPA entries, the wire
/// name for standalone ones.
[[nodiscard]] std::string forecast_id(const ForecastConfig& forecast);

/// The labels an `ihpa-forecast` item carries (and its selector matches).
[[nodiscard]] std::map<std::string, std::string> ihpa_labels(const IhpaRef& ref);

} // namespace ihpa::adapter
