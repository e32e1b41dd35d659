#pragma once

#include "adapter/config/external_rules.hpp"
#include "adapter/source/source_kind.hpp"
#include "common/seasonality.hpp"
#include "model/time_shift.hpp"

#include <chrono>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::adapter {

/// A named metric source: one kind from the source table, its validated options and how often
/// its poller reads it.
struct SourceConfig {
    std::string name;                          ///< unique, referenced by metrics and forecasts
    std::string kind;                          ///< a `SourceKind::name`
    SourceFactory factory;                     ///< builds the live source
    std::chrono::milliseconds interval{30000}; ///< poll interval (`interval`, default 30s)
    int line = 0;                              ///< where it was defined (1-based), for messages
};

/// Which series of which source: a source name and a query in that source's syntax.
struct SeriesRef {
    std::string source;
    std::string query; ///< empty for sources without queries (replay)
    bool operator==(const SeriesRef&) const = default;
};

/// A metric served as its source's current value (pass-through, no forecast).
struct MetricConfig {
    std::string name;  ///< lowercase name on the wire
    SeriesRef series;
    std::map<std::string, std::string> labels; ///< `metricLabels` of the served item
    int line = 0;
};

/// How a forecast is computed and served: design.md's time-shift, cold-start and staleness
/// rules, with its defaults.
struct ForecastSettings {
    model::TimeShift shift{300, model::ShiftRule::WindowMax, model::ShiftBand::Upper, std::nullopt};
    std::string model = "auto";                      ///< a registered forecaster name
    std::chrono::seconds step{60};                   ///< history resolution
    std::chrono::seconds history{14 * 86400};        ///< history kept and fitted on
    std::int64_t min_history = 30;                   ///< samples before forecasting starts
    std::chrono::seconds max_staleness{600};         ///< serve forecasts while data is this fresh
    std::chrono::seconds hard_staleness{3600};       ///< then the latest value; after it 503
    std::chrono::seconds refit_interval{300};        ///< how often the model is refitted
    common::SeasonalPeriods seasonality;             ///< detected (nullopt), none or these periods
    bool operator==(const ForecastSettings&) const = default;
};

/// The IHPA a forecast belongs to: served as `ihpa-forecast` in `namespace_` with the selector
/// `ihpa.dev/name=<name>,ihpa.dev/metric=<metric>`.
struct IhpaRef {
    std::string namespace_;
    std::string name;
    std::string metric; ///< the metric key, lowercase
    bool operator==(const IhpaRef&) const = default;
};

/// A forecast: either standalone under its own wire name, or an `ihpa-forecast` entry.
/// A forecast driven by traffic (`traffic:` of a forecast): the series is the workload's total
/// usage, explained per pod by the drivers' totals and the clock (model/traffic_model), and
/// forecast from the drivers' forecasts. Polled at the forecast's step, like its series.
struct TrafficConfig {
    std::vector<SeriesRef> drivers; ///< at least one: request rates, queue inflow...
    SeriesRef replicas;             ///< the workload's replica count
    double min_r2 = 0.5;            ///< below it (held out) the metric is forecast directly
    bool operator==(const TrafficConfig&) const = default;
};

/// How the model description of a traffic-driven forecast begins when the metric is forecast
/// directly instead: `direct (traffic: <why>): <the direct model>`.
inline constexpr std::string_view kTrafficFallbackPrefix = "direct (traffic: ";

struct ForecastConfig {
    std::string name;             ///< wire name; "ihpa-forecast" for IHPA entries
    std::optional<IhpaRef> ihpa;  ///< set for `ihpa-forecast` entries
    SeriesRef series;
    std::optional<TrafficConfig> traffic; ///< set when usage is forecast from its traffic
    std::map<std::string, std::string> labels; ///< extra `metricLabels` (standalone only)
    ForecastSettings settings;
    int line = 0;
};

/// The adapter's configuration file (`--config`).
struct AdapterConfig {
    std::vector<SourceConfig> sources;
    std::vector<MetricConfig> metrics;
    std::vector<ForecastConfig> forecasts;
    /// prometheus-adapter style pass-through rules (`externalRules`), each naming a Prometheus
    /// source, and their timing (`externalRulesOptions`).
    std::vector<ExternalRule> external_rules;
    ExternalRulesOptions external_rules_options;
};

/// Parses and validates a configuration document. Strict: unknown keys, wrong types, missing
/// required fields, invalid queries, duplicate names and dangling references are all reported,
/// each as `<origin>:<line>: <problem>`, every problem at once.
[[nodiscard]] std::expected<AdapterConfig, std::vector<std::string>>
parse_config(const std::string& text, const std::string& origin);

/// The wire name of IHPA forecasts.
inline constexpr const char* kIhpaForecastMetric = "ihpa-forecast";

} // namespace ihpa::adapter
