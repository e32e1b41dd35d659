#include "adapter/config.hpp"

#include "adapter/config_parse.hpp"
#include "common/duration.hpp"
#include "common/seasonality.hpp"
#include "model/registry.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace ihpa::adapter {
namespace {

using config_parse::Problems;
using std::chrono::milliseconds;
using std::chrono::seconds;

const SourceKind* find_kind(std::string_view name)
{
    for (const SourceKind& kind : source_kinds()) {
        if (kind.name == name) {
            return &kind;
        }
    }
    return nullptr;
}

std::string kind_names()
{
    std::string out;
    for (const SourceKind& kind : source_kinds()) {
        out += (out.empty() ? "" : ", ") + std::string(kind.name);
    }
    return out;
}

bool valid_metric_name(const std::string& name)
{
    return name.size() <= 253 && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                      c == '.' || c == ':';
           });
}

void parse_sources(const YAML::Node& list, AdapterConfig& config, Problems& problems)
{
    if (!list.IsSequence()) {
        problems.add(list, "sources must be a list");
        return;
    }
    std::set<std::string> names;
    for (const YAML::Node& item : list) {
        if (!item.IsMap()) {
            problems.add(item, "a source must be a mapping");
            continue;
        }
        SourceConfig source;
        source.line = config_parse::line_of(item);
        source.name = config_parse::required_string(item, "name", "source", problems).value_or("");
        if (!source.name.empty() && !names.insert(source.name).second) {
            problems.add(item, "duplicate source name \"" + source.name + "\"");
        }
        const std::string what = "source " + source.name;
        if (auto interval = config_parse::optional_duration(
                item, "interval", what, milliseconds(100), milliseconds(3600000), problems)) {
            source.interval = *interval;
        }
        for (const auto& entry : item) {
            const std::string key = entry.first.Scalar();
            if (key == "name" || key == "interval") {
                continue;
            }
            const SourceKind* kind = find_kind(key);
            if (kind == nullptr) {
                problems.add(entry.first, "unknown key \"" + key + "\" in " + what +
                                              " (known: name, interval, " + kind_names() + ")");
            } else if (!source.kind.empty()) {
                problems.add(entry.first, what + " has two kinds (" + source.kind + " and " + key +
                                              "); give each its own source");
            } else {
                source.kind = key;
                if (auto factory = kind->parse(entry.second, what + "." + key, problems)) {
                    source.factory = std::move(*factory);
                }
            }
        }
        if (source.kind.empty()) {
            problems.add(item, what + " needs a kind (one of: " + kind_names() + ")");
        }
        config.sources.push_back(std::move(source));
    }
}

/// Reads `source` and `query` of a metric or forecast and checks them against the source.
SeriesRef parse_series_ref(const YAML::Node& item, const std::string& what,
                           const AdapterConfig& config, Problems& problems)
{
    SeriesRef ref;
    ref.source = config_parse::required_string(item, "source", what, problems).value_or("");
    if (const YAML::Node query = item["query"]) {
        if (!query.IsScalar()) {
            problems.add(query, what + ".query must be a string");
        } else {
            ref.query = query.Scalar();
        }
    }
    if (ref.source.empty()) {
        return ref;
    }
    const auto source = std::find_if(config.sources.begin(), config.sources.end(),
                                     [&](const SourceConfig& s) { return s.name == ref.source; });
    if (source == config.sources.end()) {
        problems.add(item["source"], what + " refers to unknown source \"" + ref.source + "\"");
    } else if (const SourceKind* kind = find_kind(source->kind)) {
        if (auto checked = kind->check_query(ref.query); !checked) {
            problems.add(item["query"] ? item["query"] : item,
                         what + ": invalid " + source->kind + " query: " + checked.error());
        }
    }
    return ref;
}

void parse_labels(const YAML::Node& item, const std::string& what,
                  std::map<std::string, std::string>& labels, Problems& problems)
{
    if (const YAML::Node node = item["labels"]) {
        if (auto pairs = config_parse::string_map(node, what + ".labels", problems)) {
            labels.insert(pairs->begin(), pairs->end());
        }
    }
}

/// Reads a wire name, checking its syntax and uniqueness.
std::string parse_wire_name(const YAML::Node& item, const std::string& what,
                            std::set<std::string>& names, Problems& problems)
{
    auto name = config_parse::required_string(item, "name", what, problems);
    if (!name) {
        return "";
    }
    if (!valid_metric_name(*name)) {
        problems.add(item["name"], what + " name \"" + *name +
                                       "\" must be lowercase letters, digits, '_', '-', '.' or ':' "
                                       "(clients lowercase names on the wire)");
    }
    if (*name == kIhpaForecastMetric) {
        problems.add(item["name"], std::string("the name ") + kIhpaForecastMetric +
                                       " is reserved for IHPA forecasts (use the ihpa key)");
    }
    if (!names.insert(*name).second) {
        problems.add(item, "duplicate metric name \"" + *name + "\"");
    }
    return *name;
}

void parse_metrics(const YAML::Node& list, AdapterConfig& config, std::set<std::string>& names,
                   Problems& problems)
{
    if (!list.IsSequence()) {
        problems.add(list, "metrics must be a list");
        return;
    }
    for (const YAML::Node& item : list) {
        if (!config_parse::check_mapping(item, "metric", {"name", "source", "query", "labels"},
                                         problems)) {
            continue;
        }
        MetricConfig metric;
        metric.line = config_parse::line_of(item);
        metric.name = parse_wire_name(item, "metric", names, problems);
        const std::string what = "metric " + metric.name;
        metric.series = parse_series_ref(item, what, config, problems);
        parse_labels(item, what, metric.labels, problems);
        config.metrics.push_back(std::move(metric));
    }
}

/// The `seasonality` key of a forecast: a keyword or durations, as a scalar (`auto`, `none`,
/// `daily`, `weekly`, `1d,7d`) or a list of durations (`[7d, 1d]`).
void parse_seasonality_key(const YAML::Node& item, const std::string& what,
                           common::SeasonalPeriods& out, Problems& problems)
{
    const YAML::Node node = item["seasonality"];
    if (!node) {
        return;
    }
    std::string text;
    if (node.IsScalar()) {
        text = node.Scalar();
    } else if (node.IsSequence() && node.size() > 0) {
        for (const YAML::Node& period : node) {
            if (!period.IsScalar() || period.Scalar().find(',') != std::string::npos) {
                problems.add(period, what + ".seasonality: a list item must be one duration");
                return;
            }
            text += (text.empty() ? "" : ",") + period.Scalar();
        }
    } else {
        problems.add(node, what + ".seasonality must be auto, none, daily, weekly or a list of "
                                  "durations");
        return;
    }
    auto parsed = common::parse_seasonality(text);
    if (!parsed) {
        problems.add(node, what + ".seasonality: " + parsed.error());
        return;
    }
    out = std::move(*parsed);
}

/// Problems of a seasonality setting against the forecast's step, history and model.
void check_seasonality(const YAML::Node& item, const std::string& what,
                       const ForecastSettings& settings, Problems& problems)
{
    if (!settings.seasonality) {
        return;
    }
    const YAML::Node node = item["seasonality"] ? item["seasonality"] : item;
    if (settings.seasonality->empty() &&
        (settings.model == "fourier" || settings.model == "seasonalNaive")) {
        problems.add(node, what + ": model " + settings.model +
                               " needs a seasonal period; seasonality is none");
    }
    for (const std::int64_t period : *settings.seasonality) {
        const std::string text = common::format_duration(seconds(period));
        if (period < 2 * settings.step.count()) {
            problems.add(node, what + ".seasonality: period " + text +
                                   " is shorter than two steps");
        } else if (2 * period > settings.history.count()) {
            problems.add(node, what + ".seasonality: period " + text +
                                   " needs two cycles of history, more than history (" +
                                   common::format_duration(settings.history) + ")");
        }
    }
}

/// The forecast settings keys of a mapping (leadTime, rule, band, ...), over `settings`.
void parse_settings(const YAML::Node& item, const std::string& what, ForecastSettings& settings,
                    Problems& problems)
{
    constexpr milliseconds kSecond(1000);
    constexpr milliseconds kDay(86400000);
    if (auto lead = config_parse::optional_duration(item, "leadTime", what, milliseconds(0),
                                                    kDay, problems)) {
        settings.shift.lead_seconds = std::chrono::duration_cast<seconds>(*lead).count();
    }
    if (auto rule = config_parse::optional_string(item, "rule", what, problems)) {
        if (auto parsed = model::parse_shift_rule(*rule)) {
            settings.shift.rule = *parsed;
        } else {
            problems.add(item["rule"], what + ".rule: " + parsed.error().message);
        }
    }
    if (auto band = config_parse::optional_string(item, "band", what, problems)) {
        if (auto parsed = model::parse_shift_band(*band)) {
            settings.shift.band = *parsed;
        } else {
            problems.add(item["band"], what + ".band: " + parsed.error().message);
        }
    }
    if (auto floor = config_parse::optional_number(item, "floor", what, 0.0, 1e18, problems)) {
        settings.shift.floor = *floor;
    }
    if (auto name = config_parse::optional_string(item, "model", what, problems)) {
        if (auto made = model::make_forecaster(*name); !made) {
            problems.add(item["model"], what + ".model: " + made.error().message);
        } else {
            settings.model = *name;
        }
    }
    const auto duration = [&](const char* key, milliseconds min, milliseconds max, seconds& out) {
        if (auto value = config_parse::optional_duration(item, key, what, min, max, problems)) {
            if (value->count() % 1000 != 0) {
                problems.add(item[key], what + "." + key + " must be whole seconds");
            } else {
                out = std::chrono::duration_cast<seconds>(*value);
            }
        }
    };
    duration("step", kSecond, kDay, settings.step);
    duration("history", kSecond, kDay * 400, settings.history);
    duration("maxStaleness", kSecond, kDay * 7, settings.max_staleness);
    duration("hardStaleness", kSecond, kDay * 7, settings.hard_staleness);
    duration("refitInterval", kSecond, kDay, settings.refit_interval);
    if (auto min_history =
            config_parse::optional_number(item, "minHistory", what, 2.0, 1e7, problems)) {
        settings.min_history = static_cast<std::int64_t>(*min_history);
    }
    const std::int64_t points = settings.history.count() / settings.step.count();
    if (points > (std::int64_t{1} << 24)) {
        problems.add(item, what + ": history / step is " + std::to_string(points) +
                               " points, more than 16777216 per series");
    }
    if (points < settings.min_history) {
        problems.add(item, what + ": history holds " + std::to_string(points) +
                               " steps, fewer than minHistory (" +
                               std::to_string(settings.min_history) + ")");
    }
    if (settings.hard_staleness < settings.max_staleness) {
        problems.add(item, what + ": hardStaleness must not be shorter than maxStaleness");
    }
    parse_seasonality_key(item, what, settings.seasonality, problems);
    check_seasonality(item, what, settings, problems);
}

std::optional<IhpaRef> parse_ihpa_ref(const YAML::Node& node, const std::string& what,
                                      Problems& problems)
{
    if (!config_parse::check_mapping(node, what + ".ihpa", {"namespace", "name", "metric"},
                                     problems)) {
        return std::nullopt;
    }
    IhpaRef ref;
    ref.namespace_ =
        config_parse::required_string(node, "namespace", what + ".ihpa", problems).value_or("");
    ref.name = config_parse::required_string(node, "name", what + ".ihpa", problems).value_or("");
    ref.metric =
        config_parse::required_string(node, "metric", what + ".ihpa", problems).value_or("");
    if (!valid_metric_name(ref.metric)) {
        problems.add(node["metric"], what + ".ihpa.metric \"" + ref.metric +
                                         "\" must be a lowercase metric key");
    }
    return ref;
}

void parse_forecasts(const YAML::Node& list, AdapterConfig& config, std::set<std::string>& names,
                     Problems& problems)
{
    if (!list.IsSequence()) {
        problems.add(list, "forecasts must be a list");
        return;
    }
    std::set<std::string> ihpa_keys;
    for (const YAML::Node& item : list) {
        if (!config_parse::check_mapping(
                item, "forecast",
                {"name", "ihpa", "source", "query", "labels", "leadTime", "rule", "band", "floor",
                 "model", "step", "history", "minHistory", "maxStaleness", "hardStaleness",
                 "refitInterval", "seasonality"},
                problems)) {
            continue;
        }
        ForecastConfig forecast;
        forecast.line = config_parse::line_of(item);
        if (const YAML::Node ihpa = item["ihpa"]) {
            if (item["name"] || item["labels"]) {
                problems.add(item, "an ihpa forecast is served as ihpa-forecast with the IHPA's "
                                   "selector: drop name and labels");
            }
            forecast.name = kIhpaForecastMetric;
            forecast.ihpa = parse_ihpa_ref(ihpa, "forecast", problems);
            if (forecast.ihpa && !ihpa_keys
                                      .insert(forecast.ihpa->namespace_ + "/" +
                                              forecast.ihpa->name + "/" + forecast.ihpa->metric)
                                      .second) {
                problems.add(ihpa, "duplicate ihpa forecast " + forecast.ihpa->namespace_ + "/" +
                                       forecast.ihpa->name + " metric " + forecast.ihpa->metric);
            }
        } else {
            forecast.name = parse_wire_name(item, "forecast", names, problems);
            parse_labels(item, "forecast " + forecast.name, forecast.labels, problems);
        }
        const std::string what = "forecast " + forecast.name;
        forecast.series = parse_series_ref(item, what, config, problems);
        parse_settings(item, what, forecast.settings, problems);
        config.forecasts.push_back(std::move(forecast));
    }
}

void parse_rules(const YAML::Node& list, AdapterConfig& config, Problems& problems)
{
    config.external_rules = parse_external_rules(list, "externalRules", problems);
    for (std::size_t i = 0; i < config.external_rules.size(); ++i) {
        const ExternalRule& rule = config.external_rules[i];
        const auto source = std::find_if(config.sources.begin(), config.sources.end(),
                                         [&](const SourceConfig& s) { return s.name == rule.source; });
        if (source == config.sources.end() || source->kind != "prometheus") {
            problems.add(rule.line, "externalRules[" + std::to_string(i) + "].source \"" +
                                        rule.source + "\" must name a prometheus source");
        }
    }
}

} // namespace

std::expected<AdapterConfig, std::vector<std::string>> parse_config(const std::string& text,
                                                                    const std::string& origin)
{
    Problems problems(origin);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        problems.add(e.mark.line + 1, "invalid YAML: " + e.msg);
        return std::unexpected(problems.take());
    }
    AdapterConfig config;
    if (!root || root.IsNull()) {
        problems.add(1, "the configuration is empty");
        return std::unexpected(problems.take());
    }
    if (config_parse::check_mapping(root, "the configuration",
                                    {"sources", "metrics", "forecasts", "externalRules",
                                     "externalRulesOptions"},
                                    problems)) {
        std::set<std::string> names;
        if (const YAML::Node sources = root["sources"]) {
            parse_sources(sources, config, problems);
        }
        if (const YAML::Node metrics = root["metrics"]) {
            parse_metrics(metrics, config, names, problems);
        }
        if (const YAML::Node forecasts = root["forecasts"]) {
            parse_forecasts(forecasts, config, names, problems);
        }
        if (const YAML::Node rules = root["externalRules"]) {
            parse_rules(rules, config, problems);
        }
        if (const YAML::Node options = root["externalRulesOptions"]) {
            if (config_parse::check_mapping(options, "externalRulesOptions",
                                            {"discoveryInterval", "maxStaleness",
                                             "subscriptionTTL"},
                                            problems)) {
                config.external_rules_options =
                    parse_external_rules_options(options, "externalRulesOptions", problems);
            }
        }
    }
    if (!problems.empty()) {
        return std::unexpected(problems.take());
    }
    return config;
}

} // namespace ihpa::adapter
