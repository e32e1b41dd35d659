#pragma once

#include "adapter/clock.hpp"
#include "adapter/source/source_kind.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::test {

/// The result of parsing one source kind's options block.
struct ParsedKind {
    std::optional<adapter::SourceFactory> factory;
    std::vector<std::string> problems;
};

/// Parses the block `key` of the YAML document `yaml` with `kind`, the way the configuration
/// loader does; problems read `c.yaml:<line>: <what>...`.
inline ParsedKind parse_kind(const adapter::SourceKind& kind, const std::string& yaml,
                             const std::string& key, const std::string& what)
{
    static const std::string origin = "c.yaml";
    adapter::config_parse::Problems problems(origin);
    const YAML::Node root = YAML::Load(yaml);
    auto factory = kind.parse(root[key], what, problems);
    return {std::move(factory), problems.take()};
}

/// Runs `factory` with the real clock and a resolver serving `files` (name → contents); any
/// other name is "cannot read <name>".
inline std::expected<std::shared_ptr<adapter::MetricSource>, std::string>
build_source(const adapter::SourceFactory& factory, const std::map<std::string, std::string>& files)
{
    const adapter::FileResolver resolve =
        [&files](const std::string& name) -> std::expected<std::string, std::string> {
        if (const auto it = files.find(name); it != files.end()) {
            return it->second;
        }
        return std::unexpected("cannot read " + name);
    };
    const adapter::SystemClock clock;
    return factory(adapter::SourceContext{resolve, clock});
}

} // namespace ihpa::test
