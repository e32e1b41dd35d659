#pragma once

#include "adapter/clock.hpp"
#include "adapter/config/external_rules.hpp"
#include "adapter/serving/forecast_registry.hpp"
#include "adapter/source/prometheus/prometheus_source.hpp"
#include "apiserver/provider.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// Serves the pass-through metrics of prometheus-adapter style external rules without network
/// I/O on the request path.
///
/// Design: prometheus-adapter runs a rule's metricsQuery when a request comes in. We may not
/// (the request path only reads memory), so a request *subscribes* to the query it needs (one
/// per (metric, namespace, label selector) after expansion; requests that expand to the same
/// query share one) through the registry, and the source's poller polls it with the source's
/// other targets: the same interval, back-off and poller status as every series. `run_once`
/// re-discovers metric names through each rule's seriesQuery every `discovery_interval`
/// (series seen within the last `discovery_interval`; a failed discovery keeps the names found
/// before) and drops the subscriptions not requested for `subscription_ttl`. A request for
///  * an unknown metric (not discovered) gets 404;
///  * a known metric whose query was never polled subscribes and gets 503 ServiceUnavailable
///    saying the metric will be served after the next poll (the HPA controller retries every
///    sync period, 15 s by default);
///  * a polled query gets the items of its latest answer (labels of each result series, its
///    value, the sample's time), or 404 when that answer was empty;
///  * a query whose latest answer is older than `max_staleness` gets 503, by the staleness
///    rule of every pass-through value (`too_old`).
/// Thread-safe: requests read the discovered names under a mutex held only for a look-up.
class ExternalRulesProvider final : public apiserver::ExternalMetricsProvider {
public:
    /// Every rule's `source` must be a key of `sources` (for discovery) and have a poller in
    /// `registry` (for the subscriptions); `registry` and `clock` must outlive the provider.
    ExternalRulesProvider(std::vector<ExternalRule> rules,
                          std::map<std::string, std::shared_ptr<SeriesSource>> sources,
                          ExternalRulesOptions options, ForecastRegistry& registry,
                          const Clock& clock);

    /// One round of background work at `now`: discovery when due, then the expiry of
    /// subscriptions. Blocks on the sources' I/O; never sleeps. Called by one thread.
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

    void discover(std::chrono::system_clock::time_point now);

    std::vector<ExternalRule> rules_;
    std::map<std::string, std::shared_ptr<SeriesSource>> sources_;
    ExternalRulesOptions options_;
    ForecastRegistry& registry_;
    const Clock& clock_;
    /// Per rule: when discovery last succeeded (only the run_once thread touches these).
    std::vector<std::optional<std::chrono::system_clock::time_point>> discovered_at_;

    mutable std::mutex mutex_; ///< guards the members below
    /// Per rule, the metrics it named (lowercase metric name → series) at its last successful
    /// discovery; a failed discovery keeps the previous names.
    std::vector<std::map<std::string, std::string>> names_by_rule_;
    std::map<std::string, Discovered> metrics_; ///< by lowercase name; built from names_by_rule_
};

} // namespace ihpa::adapter
