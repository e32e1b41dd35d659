#pragma once

#include "adapter/clock.hpp"
#include "adapter/config/external_rules.hpp"
#include "adapter/source/prometheus/prometheus_source.hpp"
#include "apiserver/provider.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace ihpa::adapter {

/// Serves the pass-through metrics of prometheus-adapter style external rules without network
/// I/O on the request path.
///
/// Design: prometheus-adapter runs a rule's metricsQuery when a request comes in. We may not
/// (the request path only reads memory), so the provider keeps *subscriptions*: one per query a
/// request needed, i.e. per (metric, namespace, label selector) after expansion; requests that
/// expand to the same query share one. A poller thread calls `run_once`, which (a) re-discovers
/// metric names through each rule's seriesQuery every `discovery_interval` (series seen within
/// the last `discovery_interval`; a failed discovery keeps the names found before) and (b)
/// runs every subscription's query as an instant query and caches the items. A request for
///  * an unknown metric (not discovered) gets 404;
///  * a known metric whose query was never polled records the subscription and gets 503
///    ServiceUnavailable saying the metric will be served after the next poll (the HPA
///    controller retries every sync period, 15 s by default);
///  * a polled query gets the cached items (labels of each result series, its value, the
///    sample's time), or 404 when the last poll returned nothing;
///  * a query whose last successful poll is older than `max_staleness` gets 503.
/// Subscriptions not requested for `subscription_ttl` are dropped. Thread-safe: requests read
/// and record under a mutex held only for map look-ups; `run_once` does its I/O without it.
class ExternalRulesProvider final : public apiserver::ExternalMetricsProvider {
public:
    /// Every rule's `source` must be a key of `sources`; `clock` must outlive the provider.
    ExternalRulesProvider(std::vector<ExternalRule> rules,
                          std::map<std::string, std::shared_ptr<SeriesSource>> sources,
                          ExternalRulesOptions options, const Clock& clock);

    /// One round of background work at `now`: discovery when due, then every subscription's
    /// query. Blocks on the sources' I/O; never sleeps. Called by one poller thread.
    void run_once(std::chrono::system_clock::time_point now);

    [[nodiscard]] std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
    get_external_metric(std::string_view ns, const apiserver::LabelSelector& selector,
                        const apiserver::ExternalMetricInfo& info) const override;

    /// The discovered metric names (empty before the first discovery).
    [[nodiscard]] std::vector<apiserver::ExternalMetricInfo> list_external_metrics() const override;

private:
    /// A discovered metric: the rule that named it and the series name it came from.
    struct Discovered {
        std::size_t rule = 0;
        std::string series;
    };
    /// One cached value of a subscription.
    struct Item {
        std::map<std::string, std::string> labels;
        std::chrono::system_clock::time_point time;
        double value = 0.0;
    };
    struct Subscription {
        std::chrono::system_clock::time_point last_requested;
        /// When the query last succeeded; nullopt before that.
        std::optional<std::chrono::system_clock::time_point> polled;
        std::vector<Item> items;
    };
    /// A subscription's key: the source's name and the expanded query.
    using Key = std::pair<std::string, std::string>;

    void discover(std::chrono::system_clock::time_point now);
    void refresh(std::chrono::system_clock::time_point now);

    std::vector<ExternalRule> rules_;
    std::map<std::string, std::shared_ptr<SeriesSource>> sources_;
    ExternalRulesOptions options_;
    const Clock& clock_;
    /// Per rule: when discovery last succeeded (only the poller thread touches these).
    std::vector<std::optional<std::chrono::system_clock::time_point>> discovered_at_;

    mutable std::mutex mutex_; ///< guards the members below
    /// Per rule, the metrics it named (lowercase metric name → series) at its last successful
    /// discovery; a failed discovery keeps the previous names.
    std::vector<std::map<std::string, std::string>> names_by_rule_;
    std::map<std::string, Discovered> metrics_; ///< by lowercase name; built from names_by_rule_
    mutable std::map<Key, Subscription> subscriptions_;
};

} // namespace ihpa::adapter
