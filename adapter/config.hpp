#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// A replay source: a recorded `timestamp,value` CSV trace played in accelerated time.
struct ReplaySourceConfig {
    std::string file;     ///< path of the trace, relative to the configuration file
    double speedup = 1.0; ///< trace seconds per wall-clock second, > 0
};

/// A named metric source; exactly one kind is set.
struct SourceConfig {
    std::string name;                       ///< unique, referenced by metrics
    std::optional<ReplaySourceConfig> replay;
    int line = 0;                           ///< where it was defined (1-based), for messages
};

/// A metric served as its source's current value (pass-through, no forecast).
struct MetricConfig {
    std::string name;                         ///< lowercase name on the wire
    std::string source;                       ///< a `SourceConfig::name`
    std::map<std::string, std::string> labels;///< `metricLabels` of the served item
    int line = 0;
};

/// The adapter's configuration file (`--config`).
struct AdapterConfig {
    std::vector<SourceConfig> sources;
    std::vector<MetricConfig> metrics;
};

/// Parses and validates a configuration document. Strict: unknown keys, wrong types, missing
/// required fields, duplicate names and dangling references are all reported, each as
/// `<origin>:<line>: <problem>`, every problem at once.
[[nodiscard]] std::expected<AdapterConfig, std::vector<std::string>>
parse_config(const std::string& text, const std::string& origin);

} // namespace ihpa::adapter
