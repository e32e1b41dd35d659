#include "adapter/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <set>

namespace ihpa::adapter {
namespace {

/// Collects problems with their position while walking the document.
class Problems {
public:
    explicit Problems(const std::string& origin) : origin_(origin) {}

    void add(const YAML::Node& at, const std::string& message)
    {
        add(at.Mark().line + 1, message);
    }
    void add(int line, const std::string& message)
    {
        list_.push_back(origin_ + ":" + std::to_string(line) + ": " + message);
    }
    [[nodiscard]] bool empty() const { return list_.empty(); }
    std::vector<std::string> take() { return std::move(list_); }

private:
    const std::string& origin_;
    std::vector<std::string> list_;
};

std::string join(std::initializer_list<const char*> keys)
{
    std::string out;
    for (const char* key : keys) {
        out += out.empty() ? "" : ", ";
        out += key;
    }
    return out;
}

/// Reports keys of `map` outside `known`; false when `map` is not a mapping.
bool check_mapping(const YAML::Node& map, const std::string& what,
                   std::initializer_list<const char*> known, Problems& problems)
{
    if (!map.IsMap()) {
        problems.add(map, what + " must be a mapping");
        return false;
    }
    for (const auto& entry : map) {
        const std::string key = entry.first.Scalar();
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
            problems.add(entry.first, "unknown key \"" + key + "\" in " + what + " (known: " +
                                          join(known) + ")");
        }
    }
    return true;
}

std::optional<std::string> required_string(const YAML::Node& map, const char* key,
                                           const std::string& what, Problems& problems)
{
    const YAML::Node node = map[key];
    if (!node) {
        problems.add(map, what + " needs \"" + key + "\"");
        return std::nullopt;
    }
    if (!node.IsScalar() || node.Scalar().empty()) {
        problems.add(node, what + "." + key + " must be a non-empty string");
        return std::nullopt;
    }
    return node.Scalar();
}

std::optional<ReplaySourceConfig> parse_replay(const YAML::Node& node, const std::string& what,
                                               Problems& problems)
{
    if (!check_mapping(node, what, {"file", "speedup"}, problems)) {
        return std::nullopt;
    }
    ReplaySourceConfig replay;
    if (auto file = required_string(node, "file", what, problems)) {
        replay.file = *file;
    }
    if (const YAML::Node speedup = node["speedup"]) {
        double value = 0.0;
        if (!YAML::convert<double>::decode(speedup, value) || !std::isfinite(value) || value <= 0) {
            problems.add(speedup, what + ".speedup must be a number > 0, got \"" +
                                      (speedup.IsScalar() ? speedup.Scalar() : "?") + "\"");
        } else {
            replay.speedup = value;
        }
    }
    return replay;
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
        const std::string what = "source";
        if (!check_mapping(item, what, {"name", "replay"}, problems)) {
            continue;
        }
        SourceConfig source;
        source.line = item.Mark().line + 1;
        if (auto name = required_string(item, "name", what, problems)) {
            source.name = *name;
            if (!names.insert(source.name).second) {
                problems.add(item, "duplicate source name \"" + source.name + "\"");
            }
        }
        if (const YAML::Node replay = item["replay"]) {
            source.replay = parse_replay(replay, "source " + source.name + ".replay", problems);
        } else {
            problems.add(item, "source " + source.name + " needs a kind (one of: replay)");
        }
        config.sources.push_back(std::move(source));
    }
}

void parse_metrics(const YAML::Node& list, AdapterConfig& config, Problems& problems)
{
    if (!list.IsSequence()) {
        problems.add(list, "metrics must be a list");
        return;
    }
    std::set<std::string> names;
    for (const YAML::Node& item : list) {
        const std::string what = "metric";
        if (!check_mapping(item, what, {"name", "source", "labels"}, problems)) {
            continue;
        }
        MetricConfig metric;
        metric.line = item.Mark().line + 1;
        if (auto name = required_string(item, "name", what, problems)) {
            metric.name = *name;
            if (!valid_metric_name(metric.name)) {
                problems.add(item["name"], "metric name \"" + metric.name +
                                               "\" must be lowercase letters, digits, '_', '-', "
                                               "'.' or ':' (clients lowercase names on the wire)");
            }
            if (!names.insert(metric.name).second) {
                problems.add(item, "duplicate metric name \"" + metric.name + "\"");
            }
        }
        if (auto source = required_string(item, "source", "metric " + metric.name, problems)) {
            metric.source = *source;
            const bool known = std::any_of(config.sources.begin(), config.sources.end(),
                                           [&](const SourceConfig& s) { return s.name == *source; });
            if (!known) {
                problems.add(item["source"], "metric " + metric.name + " refers to unknown source \"" +
                                                 *source + "\"");
            }
        }
        if (const YAML::Node labels = item["labels"]) {
            if (!labels.IsMap()) {
                problems.add(labels, "metric " + metric.name + ".labels must be a mapping");
            } else {
                for (const auto& entry : labels) {
                    if (!entry.second.IsScalar()) {
                        problems.add(entry.second, "label values must be strings");
                        continue;
                    }
                    metric.labels[entry.first.Scalar()] = entry.second.Scalar();
                }
            }
        }
        config.metrics.push_back(std::move(metric));
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
    if (check_mapping(root, "the configuration", {"sources", "metrics"}, problems)) {
        if (const YAML::Node sources = root["sources"]) {
            parse_sources(sources, config, problems);
        }
        if (const YAML::Node metrics = root["metrics"]) {
            parse_metrics(metrics, config, problems);
        }
    }
    if (!problems.empty()) {
        return std::unexpected(problems.take());
    }
    return config;
}

} // namespace ihpa::adapter
