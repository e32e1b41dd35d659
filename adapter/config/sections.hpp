#pragma once

// The section parsers of the configuration (config.cpp reads the document and calls them in
// order: sources, metrics, forecasts, externalRules). Internal to adapter/config/.

#include "adapter/config/config.hpp"
#include "adapter/config/config_parse.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>

namespace ihpa::adapter::config_section {

/// The source kind named `name` in the source table; nullptr when there is none.
[[nodiscard]] const SourceKind* find_kind(std::string_view name);

/// True for a wire name clients can ask for: lowercase letters, digits, '_', '-', '.', ':'.
[[nodiscard]] bool valid_metric_name(const std::string& name);

/// Reads `source` and `query` of a metric or forecast and checks them against the source.
[[nodiscard]] SeriesRef parse_series_ref(const YAML::Node& item, const std::string& what,
                                         const AdapterConfig& config,
                                         config_parse::Problems& problems);

/// Adds the `labels` mapping of `item`, if any, to `labels`.
void parse_labels(const YAML::Node& item, const std::string& what,
                  std::map<std::string, std::string>& labels, config_parse::Problems& problems);

/// Reads a wire name, checking its syntax, that it is not reserved, and its uniqueness in
/// `names`; "" when it is missing.
[[nodiscard]] std::string parse_wire_name(const YAML::Node& item, const std::string& what,
                                          std::set<std::string>& names,
                                          config_parse::Problems& problems);

/// The `sources` list into `config.sources`.
void parse_sources(const YAML::Node& list, AdapterConfig& config,
                   config_parse::Problems& problems);

/// The `metrics` list (pass-through metrics) into `config.metrics`; `names` collects the wire
/// names of metrics and forecasts.
void parse_metrics(const YAML::Node& list, AdapterConfig& config, std::set<std::string>& names,
                   config_parse::Problems& problems);

/// The `forecasts` list into `config.forecasts`; `names` as for parse_metrics.
void parse_forecasts(const YAML::Node& list, AdapterConfig& config, std::set<std::string>& names,
                     config_parse::Problems& problems);

} // namespace ihpa::adapter::config_section
