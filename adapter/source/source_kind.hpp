#pragma once

#include "adapter/clock.hpp"
#include "adapter/config/config_parse.hpp"
#include "adapter/source/metric_source.hpp"

#include <yaml-cpp/yaml.h>

#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ihpa::adapter {

/// Returns the contents of a file named in the configuration (relative names are resolved
/// against the configuration's own location), or an error message naming it.
using FileResolver = std::function<std::expected<std::string, std::string>(const std::string&)>;

/// What a source factory may use when the configuration is turned into live sources.
struct SourceContext {
    const FileResolver& resolve; ///< reads files the options name (trace, token, CA, key files)
    const Clock& clock;          ///< the time seam
};

/// Builds a live source from options validated at parse time; the error names the file or
/// setting that failed (an unreadable token file, an invalid trace).
using SourceFactory =
    std::function<std::expected<std::shared_ptr<MetricSource>, std::string>(const SourceContext&)>;

/// One row of the source table: a kind of source as the configuration names it
/// (`sources[].<kind>: {...options...}`).
struct SourceKind {
    std::string_view name; ///< the configuration key, e.g. "prometheus"
    /// Parses the options block strictly (unknown keys, wrong types and out-of-range values are
    /// added to `problems` with their line; `what` prefixes the messages) into a factory;
    /// nullopt when there were problems.
    std::function<std::optional<SourceFactory>(const YAML::Node& options, const std::string& what,
                                               config_parse::Problems& problems)>
        parse;
    /// Checks the syntax of a query for this kind without I/O (a metric's `query`); the error
    /// says what is wrong. Kinds without queries accept only the empty string.
    std::function<std::expected<void, std::string>(std::string_view query)> check_query;
};

/// Every kind of source, in documentation order.
[[nodiscard]] std::span<const SourceKind> source_kinds();

} // namespace ihpa::adapter
