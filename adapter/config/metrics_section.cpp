#include "adapter/config/sections.hpp"

#include <algorithm>

namespace ihpa::adapter::config_section {

using config_parse::Problems;

bool valid_metric_name(const std::string& name)
{
    return name.size() <= 253 && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                      c == '.' || c == ':';
           });
}

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

} // namespace ihpa::adapter::config_section
