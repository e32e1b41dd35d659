#include "adapter/serving/external_rules_provider.hpp"

#include "adapter/serving/data_age.hpp"
#include "common/log.hpp"
#include "common/text.hpp"

#include <algorithm>

namespace ihpa::adapter {
namespace {

using std::chrono::system_clock;

bool passes_filters(const ExternalRule& rule, const std::string& series)
{
    return std::all_of(rule.series_filters.begin(), rule.series_filters.end(),
                       [&](const SeriesFilter& filter) {
                           return external_rules::matches(filter.pattern, series) ==
                                  filter.must_match;
                       });
}

} // namespace

ExternalRulesProvider::ExternalRulesProvider(
    std::vector<ExternalRule> rules, std::map<std::string, std::shared_ptr<SeriesSource>> sources,
    ExternalRulesOptions options, ForecastRegistry& registry, const Clock& clock)
    : rules_(std::move(rules)), sources_(std::move(sources)), options_(options),
      registry_(registry), clock_(clock),
      discovered_at_(rules_.size()), names_by_rule_(rules_.size())
{
}

void ExternalRulesProvider::run_once(system_clock::time_point now)
{
    discover(now);
    registry_.expire_subscriptions(now, options_.subscription_ttl);
}

void ExternalRulesProvider::discover(system_clock::time_point now)
{
    bool changed = false;
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const ExternalRule& rule = rules_[i];
        if (discovered_at_[i] && now - *discovered_at_[i] < options_.discovery_interval) {
            continue;
        }
        const auto source = sources_.find(rule.source);
        if (source == sources_.end()) {
            IHPA_LOG(error, "external-rules") << "rule at line " << rule.line
                                              << " names the unknown source " << rule.source;
            continue;
        }
        const auto series =
            source->second->series(rule.series_query, now - options_.discovery_interval, now);
        if (!series) {
            // The names found before stay served; discovery is retried on the next round.
            IHPA_LOG(warn, "external-rules") << "discovery failed: " << series.error();
            continue;
        }
        std::map<std::string, std::string> names;
        for (const Labels& labels : *series) {
            const auto name = labels.find("__name__");
            if (name == labels.end() || !passes_filters(rule, name->second)) {
                continue;
            }
            const auto metric = external_rules::map_name(rule.name_matches, rule.name_as, name->second);
            if (metric && !metric->empty()) {
                names[common::lowercase(*metric)] = name->second;
            }
        }
        discovered_at_[i] = now;
        const std::lock_guard lock(mutex_);
        names_by_rule_[i] = std::move(names);
        changed = true;
    }
    if (!changed) {
        return;
    }
    const std::lock_guard lock(mutex_);
    metrics_.clear();
    // As in prometheus-adapter, a later rule naming the same metric wins.
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        for (const auto& [name, series] : names_by_rule_[i]) {
            metrics_[name] = Discovered{i, series};
        }
    }
}

std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
ExternalRulesProvider::get_external_metric(std::string_view ns,
                                           const apiserver::LabelSelector& selector,
                                           const apiserver::ExternalMetricInfo& info) const
{
    const system_clock::time_point now = clock_.now();
    std::unique_lock lock(mutex_);
    const auto found = metrics_.find(info.metric);
    if (found == metrics_.end()) {
        return std::unexpected(apiserver::metric_not_found(info.metric, ns));
    }
    const ExternalRule& rule = rules_[found->second.rule];
    const std::string series = found->second.series;
    lock.unlock();

    const auto args = external_rules::query_args(series, selector, rule.namespace_label, ns);
    if (!args) {
        return std::unexpected(apiserver::bad_request(args.error()));
    }
    const std::string query = rule.metrics_query.expand(*args);

    const auto subscription = registry_.subscribe(rule.source, query, now);
    if (!subscription) {
        return std::unexpected(apiserver::service_unavailable(
            "the metric " + info.metric + " cannot be served: " + subscription.error()));
    }
    const auto answer = (*subscription)->latest();
    if (!answer) {
        return std::unexpected(apiserver::service_unavailable(
            "the metric " + info.metric + " for namespace " + std::string(ns) +
            " is being subscribed; it will be served after the next poll of its source"));
    }
    if (const auto reason = too_old(answer->polled, now, options_.max_staleness)) {
        return std::unexpected(apiserver::service_unavailable(
            "the metric " + info.metric + " cannot be served now: " + *reason));
    }
    if (answer->items.empty()) {
        return std::unexpected(apiserver::metric_not_found(info.metric, ns));
    }
    std::vector<apiserver::ExternalMetricValue> values;
    values.reserve(answer->items.size());
    for (const LabelledSample& item : answer->items) {
        values.push_back({info.metric, item.labels, item.sample.time, std::nullopt, item.sample.value});
    }
    return values;
}

std::vector<apiserver::ExternalMetricInfo> ExternalRulesProvider::list_external_metrics() const
{
    const std::lock_guard lock(mutex_);
    std::vector<apiserver::ExternalMetricInfo> out;
    out.reserve(metrics_.size());
    for (const auto& entry : metrics_) {
        out.push_back({entry.first});
    }
    return out;
}

} // namespace ihpa::adapter
