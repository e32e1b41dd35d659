#pragma once

// prometheus-adapter's `externalRules` configuration (kubernetes-sigs/prometheus-adapter
// docs/config.md, docs/externalmetrics.md), so users can reuse theirs, plus `source`, naming
// the Prometheus source a rule reads:
//
//   externalRules:
//   - source: prometheus                # a sources[].name of kind prometheus
//     seriesQuery: '{__name__="queue_depth",queue!=""}'
//     seriesFilters: [{isNot: "^queue_depth_total$"}]
//     name: {matches: "^(.*)_depth$", as: "${1}_messages"}
//     resources:
//       overrides: {namespace: {resource: namespace}}   # or template: "<<.Resource>>"
//       namespaced: true                                 # the default
//     metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)
//
// Strict: unknown keys and wrong types are problems with their line.

#include "adapter/config/config_parse.hpp"
#include "adapter/source/prometheus/external_rules_query.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// A series name filter: the name must match `pattern` (`is`) or must not (`isNot`).
struct SeriesFilter {
    external_rules::Pattern pattern;
    bool must_match = true;
};

/// One validated and compiled external rule.
struct ExternalRule {
    std::string source;       ///< the Prometheus source (a sources[].name) the rule reads
    std::string series_query; ///< `seriesQuery`: the selector discovery lists series with
    /// `seriesFilters`, then `is: <name.matches>` when a name pattern is given.
    std::vector<SeriesFilter> series_filters;
    external_rules::Pattern name_matches; ///< `name.matches`, ".*" when not given
    std::string name_as;                  ///< `name.as`, or its default ($0 or $1)
    /// The label that holds the namespace (from `resources.overrides` or `resources.template`);
    /// empty when `resources.namespaced` is false: the request's namespace is then ignored.
    std::string namespace_label;
    external_rules::QueryTemplate metrics_query; ///< `metricsQuery`
    int line = 0;                                ///< where the rule starts (1-based)
};

/// Timing of the external rules (defaults in parentheses; configuration keys in backquotes).
struct ExternalRulesOptions {
    /// `discoveryInterval`: how often metric names are re-discovered with each rule's
    /// seriesQuery (10m).
    std::chrono::milliseconds discovery_interval{std::chrono::minutes(10)};
    /// `maxStaleness`: cached values older than this (the source is down) are answered with
    /// 503 (10m).
    std::chrono::milliseconds max_staleness{std::chrono::minutes(10)};
    /// `subscriptionTTL`: a subscription nobody asked for during this long is dropped (1h).
    std::chrono::milliseconds subscription_ttl{std::chrono::hours(1)};
};

/// Reads `discoveryInterval` (10s..24h), `maxStaleness` (10s..24h) and `subscriptionTTL`
/// (1m..7d) from the mapping `map` where present; problems as `<what>.<key> ...`. Unknown keys
/// are the caller's to report (it lists these three among the mapping's keys).
[[nodiscard]] ExternalRulesOptions parse_external_rules_options(const YAML::Node& map,
                                                                const std::string& what,
                                                                config_parse::Problems& problems);

/// Parses the `externalRules` list `rules`; every problem is added to `problems` as
/// `<origin>:<line>: <what>[i].<key> ...`. `what` names the list (e.g. "externalRules"). The
/// result is only meaningful when no problem was added (the configuration is rejected
/// otherwise). Whether `source` names a Prometheus source is for the caller, who knows the
/// sources, to check.
[[nodiscard]] std::vector<ExternalRule> parse_external_rules(const YAML::Node& rules,
                                                             const std::string& what,
                                                             config_parse::Problems& problems);

} // namespace ihpa::adapter
