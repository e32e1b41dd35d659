#include "adapter/config/config.hpp"

#include "adapter/config/config_parse.hpp"
#include "adapter/config/sections.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace ihpa::adapter {
namespace {

using config_parse::Problems;

/// The `externalRules` list, each rule checked to name a prometheus source.
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
            config_section::parse_sources(sources, config, problems);
        }
        if (const YAML::Node metrics = root["metrics"]) {
            config_section::parse_metrics(metrics, config, names, problems);
        }
        if (const YAML::Node forecasts = root["forecasts"]) {
            config_section::parse_forecasts(forecasts, config, names, problems);
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
