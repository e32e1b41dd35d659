#include "controller/ihpa.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace ihpa::controller {
namespace {

using nlohmann::json;
using Problems = std::vector<std::string>;

/// The longest IHPA name: `ihpa-<name>` is the HPA and the name is a label value (63).
constexpr std::size_t kMaxNameLength = 58;

/// True for a valid label value made of lowercase characters (what a metric key must be).
bool is_key(std::string_view key)
{
    if (key.empty() || key.size() > 63 || !std::isalnum(static_cast<unsigned char>(key.front())) ||
        !std::isalnum(static_cast<unsigned char>(key.back()))) {
        return false;
    }
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (std::islower(static_cast<unsigned char>(c)) != 0) ||
               (std::isdigit(static_cast<unsigned char>(c)) != 0) || c == '-' || c == '_' ||
               c == '.';
    });
}

/// `path.key`, or `key` at the root.
std::string join(const std::string& path, const char* key)
{
    return path.empty() ? std::string(key) : path + "." + key;
}

/// `object[key]` when it is a non-empty string; otherwise a problem and nullopt.
std::optional<std::string> required_string(const json& object, const char* key,
                                           const std::string& path, Problems& problems)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) {
        problems.push_back(path + "." + key + ": required (a non-empty string)");
        return std::nullopt;
    }
    return it->get<std::string>();
}

/// `object[key]` when it is an object; otherwise a problem (when required) and nullptr.
const json* member_object(const json& object, const char* key, const std::string& path,
                          bool required, Problems& problems)
{
    const auto it = object.find(key);
    if (it == object.end()) {
        if (required) {
            problems.push_back(join(path, key) + ": required");
        }
        return nullptr;
    }
    if (!it->is_object()) {
        problems.push_back(join(path, key) + ": must be an object");
        return nullptr;
    }
    return &*it;
}

/// An integer replica bound (>= 1); nullopt when absent or invalid (then a problem).
std::optional<std::int64_t> replicas(const json& spec, const char* key, const std::string& path,
                                     bool required, Problems& problems)
{
    const auto it = spec.find(key);
    if (it == spec.end()) {
        if (required) {
            problems.push_back(path + "." + key + ": required");
        }
        return std::nullopt;
    }
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
        it->get<std::int64_t>() > 2147483647) {
        problems.push_back(path + "." + key + ": must be an integer of at least 1");
        return std::nullopt;
    }
    return it->get<std::int64_t>();
}

struct TypeInfo {
    MetricType type;
    const char* name;   ///< the `type` value
    const char* member; ///< the member holding the source
    bool utilization;   ///< Utilization targets allowed
    bool value;         ///< Value targets allowed
};

constexpr TypeInfo kTypes[] = {
    {MetricType::Resource, "Resource", "resource", true, false},
    {MetricType::ContainerResource, "ContainerResource", "containerResource", true, false},
    {MetricType::Pods, "Pods", "pods", false, false},
    {MetricType::Object, "Object", "object", false, true},
    {MetricType::External, "External", "external", false, true},
};

/// The target of a metric source, checked against what its type allows.
void parse_target(const json& source, const TypeInfo& info, const std::string& path,
                  TemplateMetric& metric, Problems& problems)
{
    const json* target = member_object(source, "target", path, true, problems);
    if (target == nullptr) {
        return;
    }
    const auto type = required_string(*target, "type", path + ".target", problems);
    if (!type) {
        return;
    }
    const auto require = [&](const char* key) {
        const auto it = target->find(key);
        if (it == target->end() || !(it->is_string() || it->is_number())) {
            problems.push_back(path + ".target." + key + ": required for a " + *type +
                               " target");
            return;
        }
        metric.target_value = *it;
    };
    if (*type == "Utilization" && info.utilization) {
        metric.target = TargetType::Utilization;
        const auto it = target->find("averageUtilization");
        if (it == target->end() || !it->is_number_integer() || it->get<std::int64_t>() < 1) {
            problems.push_back(path + ".target.averageUtilization: required for a Utilization "
                                      "target (an integer percentage of at least 1)");
            return;
        }
        metric.target_value = *it;
    } else if (*type == "Value" && info.value) {
        metric.target = TargetType::Value;
        require("value");
    } else if (*type == "AverageValue") {
        metric.target = TargetType::AverageValue;
        require("averageValue");
    } else {
        problems.push_back(path + ".target.type: " + std::string(info.name) + " metrics take " +
                           (info.utilization ? "a Utilization or AverageValue"
                            : info.value     ? "a Value or AverageValue"
                                             : "an AverageValue") +
                           " target, not \"" + *type + "\"");
    }
}

/// One `metrics[]` item of the HPA template.
std::optional<TemplateMetric> parse_metric(const json& item, const std::string& path,
                                           Problems& problems)
{
    if (!item.is_object()) {
        problems.push_back(path + ": must be an object");
        return std::nullopt;
    }
    const auto type = required_string(item, "type", path, problems);
    if (!type) {
        return std::nullopt;
    }
    const auto info = std::find_if(std::begin(kTypes), std::end(kTypes),
                                   [&](const TypeInfo& each) { return *type == each.name; });
    if (info == std::end(kTypes)) {
        problems.push_back(path + ".type: unknown metric type \"" + *type +
                           "\" (known: Resource, ContainerResource, Pods, Object, External)");
        return std::nullopt;
    }
    const std::string where = path + "." + info->member;
    const json* source = member_object(item, info->member, path, true, problems);
    if (source == nullptr) {
        return std::nullopt;
    }
    TemplateMetric metric;
    metric.type = info->type;
    const std::size_t before = problems.size();
    if (info->type == MetricType::Resource || info->type == MetricType::ContainerResource) {
        metric.name = required_string(*source, "name", where, problems).value_or("");
        if (info->type == MetricType::ContainerResource) {
            metric.container = required_string(*source, "container", where, problems).value_or("");
        }
    } else if (const json* id = member_object(*source, "metric", where, true, problems)) {
        metric.name = required_string(*id, "name", where + ".metric", problems).value_or("");
        metric.selector = id->value("selector", json());
    }
    if (info->type == MetricType::Object) {
        if (const json* described =
                member_object(*source, "describedObject", where, true, problems)) {
            required_string(*described, "kind", where + ".describedObject", problems);
            required_string(*described, "name", where + ".describedObject", problems);
        }
    }
    parse_target(*source, *info, where, metric, problems);
    metric.key = metric_key(metric.name);
    if (!metric.name.empty() && !is_key(metric.key)) {
        problems.push_back(where + ": the metric key \"" + metric.key +
                           "\" (the name, lowercase) must be a label value: at most 63 "
                           "letters, digits, '-', '_' or '.', starting and ending with a letter "
                           "or digit");
    }
    if (problems.size() != before) {
        return std::nullopt;
    }
    return metric;
}

/// `spec.metrics[i].source`: exactly one kind with a query.
std::optional<ExplicitSource> parse_source(const json& source, const std::string& path,
                                           Problems& problems)
{
    if (!source.is_object()) {
        problems.push_back(path + ": must be an object");
        return std::nullopt;
    }
    const std::size_t problems_before = problems.size();
    std::optional<ExplicitSource> parsed;
    for (const auto& [kind, value] : source.items()) {
        if (kind != "prometheus" && kind != "datadog" && kind != "redis" && kind != "replay") {
            problems.push_back(path + ": unknown source kind \"" + kind +
                               "\" (known: prometheus, datadog, redis, replay)");
            continue;
        }
        if (parsed) {
            problems.push_back(path + ": sets both " + parsed->kind + " and " + kind +
                               "; give exactly one");
            continue;
        }
        const std::string where = path + "." + kind;
        if (!value.is_object()) {
            problems.push_back(where + ": must be an object");
            continue;
        }
        ExplicitSource each{kind, "", ""};
        if (const auto name = value.find("name"); name != value.end() && name->is_string()) {
            each.name = name->get<std::string>();
        } else if (name != value.end()) {
            problems.push_back(where + ".name: must be a string");
        }
        const auto query = value.find("query");
        if (kind == "replay" && query == value.end()) {
            parsed = std::move(each); // a replay source needs no query
            continue;
        }
        if (query == value.end() || !query->is_string()) {
            problems.push_back(where + ".query: required (a string)");
            continue;
        }
        each.query = query->get<std::string>();
        parsed = std::move(each);
    }
    if (!parsed && problems.size() == problems_before) {
        problems.push_back(path + ": give one of prometheus, datadog, redis, replay");
    }
    return parsed;
}

/// `spec.metrics[i].traffic`: `drivers` (sources, at least one), `replicas` (a source) and `minR2`.
std::optional<TrafficSpec> parse_traffic(const json& traffic, const std::string& path, Problems& problems)
{
    if (!traffic.is_object()) {
        problems.push_back(path + ": must be an object");
        return std::nullopt;
    }
    const std::size_t problems_before = problems.size();
    TrafficSpec spec;
    for (const auto& [name, value] : traffic.items()) {
        if (name == "drivers") {
            if (!value.is_array() || value.empty()) {
                problems.push_back(path + ".drivers: must be a list of at least one source");
                continue;
            }
            for (std::size_t i = 0; i < value.size(); ++i) {
                if (auto driver = parse_source(value[i], path + ".drivers[" + std::to_string(i) + "]", problems)) {
                    spec.drivers.push_back(std::move(*driver));
                }
            }
        } else if (name == "replicas") {
            if (auto replicas = parse_source(value, path + ".replicas", problems)) {
                spec.replicas = std::move(*replicas);
            }
        } else if (name == "minR2") {
            if (!value.is_number() || value.get<double>() < -1.0 || value.get<double>() > 1.0) {
                problems.push_back(path + ".minR2: must be a number between -1 and 1");
            } else {
                spec.min_r2 = value.get<double>();
            }
        } else {
            problems.push_back(path + ": unknown key \"" + name + "\" (known: drivers, replicas, minR2)");
        }
    }
    if (!traffic.contains("drivers")) {
        problems.push_back(path + ".drivers: required (the series that drive the metric)");
    }
    if (!traffic.contains("replicas")) {
        problems.push_back(path + ".replicas: required (the series of the workload's replica count)");
    }
    if (problems.size() != problems_before) {
        return std::nullopt;
    }
    return spec;
}

/// `spec.template`: metadata (labels and annotations) and the HPA spec.
void parse_template(const json& spec, Ihpa& ihpa, Problems& problems)
{
    const json* tmpl = member_object(spec, "template", "spec", true, problems);
    if (tmpl == nullptr) {
        return;
    }
    if (const json* metadata = member_object(*tmpl, "metadata", "spec.template", false, problems)) {
        for (const char* key : {"labels", "annotations"}) {
            if (metadata->contains(key)) {
                ihpa.template_metadata[key] = (*metadata)[key];
            }
        }
    }
    const json* hpa = member_object(*tmpl, "spec", "spec.template", true, problems);
    if (hpa == nullptr) {
        return;
    }
    ihpa.template_spec = *hpa;
    const std::string path = "spec.template.spec";
    if (const json* ref = member_object(*hpa, "scaleTargetRef", path, true, problems)) {
        required_string(*ref, "kind", path + ".scaleTargetRef", problems);
        required_string(*ref, "name", path + ".scaleTargetRef", problems);
    }
    const auto min = replicas(*hpa, "minReplicas", path, false, problems);
    const auto max = replicas(*hpa, "maxReplicas", path, true, problems);
    if (min && max && *min > *max) {
        problems.push_back(path + ": minReplicas (" + std::to_string(*min) +
                           ") must not exceed maxReplicas (" + std::to_string(*max) + ")");
    }
    const auto metrics = hpa->find("metrics");
    if (metrics == hpa->end() || !metrics->is_array() || metrics->empty()) {
        problems.push_back(path + ".metrics: required (at least one metric)");
        return;
    }
    std::map<std::string, std::string> paths_by_key;
    for (std::size_t i = 0; i < metrics->size(); ++i) {
        const std::string where = path + ".metrics[" + std::to_string(i) + "]";
        auto metric = parse_metric((*metrics)[i], where, problems);
        if (!metric) {
            continue;
        }
        if (const auto [it, inserted] = paths_by_key.emplace(metric->key, where); !inserted) {
            problems.push_back(where + ": metric key \"" + metric->key + "\" is also the key of " +
                               it->second + "; keys must be unique within an IHPA");
            continue;
        }
        ihpa.metrics.push_back(std::move(*metric));
    }
}

/// `spec.forecast` and `spec.metrics[]`: one `MetricForecast` per template metric.
void parse_forecasts(const json& spec, Ihpa& ihpa, Problems& problems)
{
    ForecastSettings defaults;
    if (const auto it = spec.find("forecast"); it != spec.end()) {
        defaults = apply_settings(*it, "spec.forecast", defaults, problems);
    }
    const auto checked = check_settings(defaults, "spec.forecast");
    problems.insert(problems.end(), checked.begin(), checked.end());
    for (const TemplateMetric& metric : ihpa.metrics) {
        ihpa.forecasts.push_back(MetricForecast{metric.key, defaults, std::nullopt, std::nullopt});
    }
    const auto overrides = spec.find("metrics");
    if (overrides == spec.end()) {
        return;
    }
    if (!overrides->is_array()) {
        problems.push_back("spec.metrics: must be a list");
        return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < overrides->size(); ++i) {
        const std::string path = "spec.metrics[" + std::to_string(i) + "]";
        const json& item = (*overrides)[i];
        if (!item.is_object()) {
            problems.push_back(path + ": must be an object");
            continue;
        }
        const auto key = required_string(item, "key", path, problems);
        if (!key) {
            continue;
        }
        const auto target = std::find_if(ihpa.forecasts.begin(), ihpa.forecasts.end(),
                                         [&](const MetricForecast& f) { return f.key == *key; });
        if (target == ihpa.forecasts.end()) {
            std::string known;
            for (const MetricForecast& each : ihpa.forecasts) {
                known += (known.empty() ? "" : ", ") + each.key;
            }
            problems.push_back(path + ".key: \"" + *key + "\" is no metric of the template (keys: " +
                               known + ")");
            continue;
        }
        if (!seen.insert(*key).second) {
            problems.push_back(path + ".key: \"" + *key + "\" is given twice");
            continue;
        }
        for (const auto& [name, value] : item.items()) {
            if (name == "forecast") {
                target->settings =
                    apply_settings(value, path + ".forecast", target->settings, problems);
                const auto more = check_settings(target->settings, path + ".forecast");
                problems.insert(problems.end(), more.begin(), more.end());
            } else if (name == "source") {
                target->source = parse_source(value, path + ".source", problems);
            } else if (name == "traffic") {
                target->traffic = parse_traffic(value, path + ".traffic", problems);
            } else if (name != "key") {
                problems.push_back(path + ": unknown key \"" + name +
                                   "\" (known: key, forecast, source, traffic)");
            }
        }
    }
}

} // namespace

std::string metric_key(std::string_view name)
{
    std::string key(name);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return key;
}

std::expected<IhpaIdentity, std::string> read_identity(const json& object)
{
    const json metadata = object.is_object() ? object.value("metadata", json::object()) : json();
    if (!metadata.is_object()) {
        return std::unexpected("the object has no metadata");
    }
    IhpaIdentity identity;
    const auto text = [&](const char* key) {
        const auto it = metadata.find(key);
        return it != metadata.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    identity.namespace_ = text("namespace");
    identity.name = text("name");
    identity.uid = text("uid");
    if (identity.namespace_.empty() || identity.name.empty() || identity.uid.empty()) {
        return std::unexpected("metadata.namespace, metadata.name and metadata.uid are required");
    }
    if (const auto generation = metadata.find("generation");
        generation != metadata.end() && generation->is_number_integer()) {
        identity.generation = generation->get<std::int64_t>();
    }
    identity.deleting = metadata.contains("deletionTimestamp") &&
                        !metadata["deletionTimestamp"].is_null();
    return identity;
}

std::expected<Ihpa, std::vector<std::string>> parse_ihpa(const json& object)
{
    const auto identity = read_identity(object);
    if (!identity) {
        return std::unexpected(Problems{identity.error()});
    }
    Ihpa ihpa;
    ihpa.namespace_ = identity->namespace_;
    ihpa.name = identity->name;
    ihpa.uid = identity->uid;
    ihpa.generation = identity->generation;
    ihpa.deleting = identity->deleting;
    if (const auto status = object.find("status"); status != object.end() && status->is_object()) {
        ihpa.previous_status = *status;
    }
    Problems problems;
    if (ihpa.name.size() > kMaxNameLength) {
        problems.push_back("metadata.name: must be at most 58 characters (the HPA is "
                           "ihpa-<name> and the name is a label value)");
    }
    const json* spec = member_object(object, "spec", "", true, problems);
    if (spec != nullptr) {
        parse_template(*spec, ihpa, problems);
        const json mode = spec->value("mode", json("Auto"));
        if (mode == "Preview") {
            ihpa.mode = Mode::Preview;
        } else if (mode != "Auto") {
            problems.push_back("spec.mode: must be Auto or Preview, not " + mode.dump());
        }
        parse_forecasts(*spec, ihpa, problems);
        const auto max = ihpa.template_spec.is_object()
                             ? ihpa.template_spec.value("maxReplicas", json())
                             : json();
        ihpa.schedules = parse_schedules(
            *spec, max.is_number_integer() ? std::optional(max.get<std::int64_t>()) : std::nullopt,
            problems);
    }
    if (!problems.empty()) {
        return std::unexpected(std::move(problems));
    }
    return ihpa;
}

} // namespace ihpa::controller
