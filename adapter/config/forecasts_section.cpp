#include "adapter/config/sections.hpp"
#include "adapter/history/series_buffer.hpp"

#include "common/duration.hpp"
#include "common/seasonality.hpp"
#include "model/registry.hpp"

namespace ihpa::adapter::config_section {
namespace {

using config_parse::Problems;
using std::chrono::milliseconds;
using std::chrono::seconds;

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
    if (points > SeriesBuffer::kMaxCapacity) {
        problems.add(item, what + ": history / step is " + std::to_string(points) +
                               " points, more than " + std::to_string(SeriesBuffer::kMaxCapacity) +
                               " per series");
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

/// `traffic: {drivers: [{source, query}, ...], replicas: {source, query}, minR2}`.
std::optional<TrafficConfig> parse_traffic(const YAML::Node& node, const std::string& what,
                                           const AdapterConfig& config, Problems& problems)
{
    const std::string where = what + ".traffic";
    if (!config_parse::check_mapping(node, where, {"drivers", "replicas", "minR2"}, problems)) {
        return std::nullopt;
    }
    TrafficConfig traffic;
    const YAML::Node drivers = node["drivers"];
    if (!drivers || !drivers.IsSequence() || drivers.size() == 0) {
        problems.add(drivers ? drivers : node, where + ".drivers must be a list of at least one series");
    } else {
        for (std::size_t i = 0; i < drivers.size(); ++i) {
            const std::string driver = where + ".drivers[" + std::to_string(i) + "]";
            if (config_parse::check_mapping(drivers[i], driver, {"source", "query"}, problems)) {
                traffic.drivers.push_back(parse_series_ref(drivers[i], driver, config, problems));
            }
        }
    }
    if (const YAML::Node replicas = node["replicas"];
        !replicas) {
        problems.add(node, where + ".replicas is required: the series of the workload's replica count");
    } else if (config_parse::check_mapping(replicas, where + ".replicas", {"source", "query"}, problems)) {
        traffic.replicas = parse_series_ref(replicas, where + ".replicas", config, problems);
    }
    if (auto min_r2 = config_parse::optional_number(node, "minR2", where, -1.0, 1.0, problems)) {
        traffic.min_r2 = *min_r2;
    }
    return traffic;
}

} // namespace

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
                 "refitInterval", "seasonality", "traffic"},
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
        if (const YAML::Node traffic = item["traffic"]) {
            forecast.traffic = parse_traffic(traffic, what, config, problems);
        }
        parse_settings(item, what, forecast.settings, problems);
        config.forecasts.push_back(std::move(forecast));
    }
}

} // namespace ihpa::adapter::config_section
