#include "adapter/config/external_rules.hpp"

#include "adapter/source/prometheus/prometheus_source_kind.hpp"

#include <optional>

namespace ihpa::adapter {
namespace {

namespace cp = config_parse;
using external_rules::Pattern;

/// Adds a problem at `node` when `pattern` is not a supported regular expression.
std::optional<Pattern> pattern_at(const YAML::Node& node, const std::string& what,
                                  cp::Problems& problems)
{
    auto pattern = external_rules::compile_pattern(node.Scalar());
    if (!pattern) {
        problems.add(node, what + ": " + pattern.error());
        return std::nullopt;
    }
    return std::move(*pattern);
}

std::vector<SeriesFilter> parse_filters(const YAML::Node& list, const std::string& what,
                                        cp::Problems& problems)
{
    std::vector<SeriesFilter> filters;
    if (!list.IsSequence()) {
        problems.add(list, what + " must be a list of {is: ...} or {isNot: ...}");
        return filters;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node entry = list[i];
        const std::string at = what + "[" + std::to_string(i) + "]";
        if (!cp::check_mapping(entry, at, {"is", "isNot"}, problems)) {
            continue;
        }
        const auto is = cp::optional_string(entry, "is", at, problems);
        const auto is_not = cp::optional_string(entry, "isNot", at, problems);
        if (is.has_value() == is_not.has_value()) {
            problems.add(entry, at + " needs exactly one of \"is\" and \"isNot\"");
            continue;
        }
        const char* key = is ? "is" : "isNot";
        if (auto pattern = pattern_at(entry[key], at + "." + key, problems)) {
            filters.push_back({std::move(*pattern), is.has_value()});
        }
    }
    return filters;
}

/// True for the core group's namespace resource, as a RESTMapper would normalise it.
bool is_namespace_resource(const YAML::Node& target)
{
    const YAML::Node group = target["group"];
    const YAML::Node resource = target["resource"];
    const bool core = !group || group.Scalar().empty() || group.Scalar() == "core";
    return core && resource && resource.IsScalar() &&
           (resource.Scalar() == "namespace" || resource.Scalar() == "namespaces");
}

/// The label holding the namespace per `resources`; empty when not namespaced. nullopt on
/// problems.
std::optional<std::string> parse_resources(const YAML::Node& rule, const std::string& what,
                                           cp::Problems& problems)
{
    const YAML::Node resources = rule["resources"];
    std::string from_override;
    std::string from_template;
    bool namespaced = true;
    if (resources) {
        if (!cp::check_mapping(resources, what, {"overrides", "template", "namespaced"},
                               problems)) {
            return std::nullopt;
        }
        namespaced = cp::optional_bool(resources, "namespaced", what, problems).value_or(true);
        if (const YAML::Node overrides = resources["overrides"]) {
            if (!overrides.IsMap()) {
                problems.add(overrides, what + ".overrides must be a mapping of label names to "
                                               "{group, resource}");
                return std::nullopt;
            }
            for (const auto& entry : overrides) {
                const std::string label = entry.first.Scalar();
                const std::string at = what + ".overrides." + label;
                if (!cp::check_mapping(entry.second, at, {"group", "resource"}, problems)) {
                    continue;
                }
                (void)cp::required_string(entry.second, "resource", at, problems);
                if (is_namespace_resource(entry.second)) {
                    from_override = label;
                }
            }
        }
        if (auto text = cp::optional_string(resources, "template", what, problems)) {
            // prometheus-adapter fills .Group (dots as underscores) and .Resource (singular);
            // for the namespace resource they are "" and "namespace".
            std::string label = *text;
            for (const auto& [field, value] :
                 {std::pair{"<<.Group>>", ""}, std::pair{"<<.Resource>>", "namespace"}}) {
                for (std::size_t at = label.find(field); at != std::string::npos;
                     at = label.find(field, at)) {
                    label.replace(at, std::string_view(field).size(), value);
                }
            }
            if (label.find("<<") != std::string::npos) {
                problems.add(resources["template"],
                             what + ".template may only use <<.Group>> and <<.Resource>>");
            }
            from_template = label;
        }
    }
    if (!namespaced) {
        return std::string();
    }
    if (from_override.empty() && from_template.empty()) {
        problems.add(resources ? resources : rule,
                     what + ": a namespaced rule needs an override mapping a label to "
                            "{resource: namespace}, or a template (or namespaced: false)");
        return std::nullopt;
    }
    // As in prometheus-adapter, an override wins over the template.
    return from_override.empty() ? from_template : from_override;
}

std::optional<ExternalRule> parse_rule(const YAML::Node& node, const std::string& what,
                                       cp::Problems& problems)
{
    if (!cp::check_mapping(node, what,
                           {"source", "seriesQuery", "seriesFilters", "name", "resources",
                            "metricsQuery"},
                           problems)) {
        return std::nullopt;
    }
    ExternalRule rule;
    rule.line = cp::line_of(node);
    bool ok = true;
    const auto source = cp::required_string(node, "source", what, problems);
    const auto series_query = cp::required_string(node, "seriesQuery", what, problems);
    const auto metrics_query = cp::required_string(node, "metricsQuery", what, problems);
    ok = source && series_query && metrics_query;
    rule.source = source.value_or("");
    rule.series_query = series_query.value_or("");
    if (series_query) {
        if (auto checked = check_promql_syntax(*series_query); !checked) {
            problems.add(node["seriesQuery"], what + ".seriesQuery: " + checked.error());
            ok = false;
        }
    }
    if (metrics_query) {
        auto parsed = external_rules::QueryTemplate::parse(*metrics_query);
        if (parsed) {
            rule.metrics_query = std::move(*parsed);
        } else {
            problems.add(node["metricsQuery"], what + ".metricsQuery: " + parsed.error());
            ok = false;
        }
    }
    if (const YAML::Node filters = node["seriesFilters"]) {
        rule.series_filters = parse_filters(filters, what + ".seriesFilters", problems);
    }
    const YAML::Node name = node["name"];
    std::optional<std::string> as;
    rule.name_matches = *external_rules::compile_pattern(".*");
    if (name && cp::check_mapping(name, what + ".name", {"matches", "as"}, problems)) {
        if (auto matches = cp::optional_string(name, "matches", what + ".name", problems)) {
            auto pattern = pattern_at(name["matches"], what + ".name.matches", problems);
            ok = ok && pattern.has_value();
            if (pattern) {
                rule.name_matches = *pattern;
                rule.series_filters.push_back({std::move(*pattern), true});
            }
        }
        as = cp::optional_string(name, "as", what + ".name", problems);
    }
    rule.name_as = as ? *as : external_rules::default_as(rule.name_matches).value_or("");
    if (rule.name_as.empty()) {
        problems.add(name, what + ".name.as is needed: name.matches has " +
                               std::to_string(external_rules::capture_groups(rule.name_matches)) +
                               " capture groups");
        ok = false;
    }
    const auto namespace_label = parse_resources(node, what + ".resources", problems);
    rule.namespace_label = namespace_label.value_or("");
    if (!ok || !namespace_label) {
        return std::nullopt;
    }
    return rule;
}

} // namespace

ExternalRulesOptions parse_external_rules_options(const YAML::Node& map, const std::string& what,
                                                  cp::Problems& problems)
{
    using std::chrono::hours;
    using std::chrono::minutes;
    using std::chrono::seconds;
    ExternalRulesOptions options;
    const auto read = [&](const char* key, std::chrono::milliseconds min,
                          std::chrono::milliseconds max, std::chrono::milliseconds& value) {
        value = cp::optional_duration(map, key, what, min, max, problems).value_or(value);
    };
    read("discoveryInterval", seconds(10), hours(24), options.discovery_interval);
    read("maxStaleness", seconds(10), hours(24), options.max_staleness);
    read("subscriptionTTL", minutes(1), hours(24 * 7), options.subscription_ttl);
    return options;
}

std::vector<ExternalRule> parse_external_rules(const YAML::Node& rules, const std::string& what,
                                               cp::Problems& problems)
{
    std::vector<ExternalRule> out;
    if (!rules.IsSequence()) {
        problems.add(rules, what + " must be a list of rules");
        return out;
    }
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (auto rule = parse_rule(rules[i], what + "[" + std::to_string(i) + "]", problems)) {
            out.push_back(std::move(*rule));
        }
    }
    return out;
}

} // namespace ihpa::adapter
