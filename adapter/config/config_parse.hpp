#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::adapter::config_parse {

/// Collects configuration problems with their position while a document is walked, each as
/// `<origin>:<line>: <problem>`, so every problem is reported at once.
class Problems {
public:
    /// `origin` names the document (a file path) and must outlive this object.
    explicit Problems(const std::string& origin) : origin_(origin) {}

    /// A problem at `at`'s position.
    void add(const YAML::Node& at, const std::string& message);
    /// A problem at a 1-based line.
    void add(int line, const std::string& message);
    [[nodiscard]] bool empty() const { return list_.empty(); }
    /// The problems so far, in the order found; leaves the list empty.
    std::vector<std::string> take() { return std::move(list_); }

private:
    const std::string& origin_;
    std::vector<std::string> list_;
};

/// The 1-based line of `node`.
[[nodiscard]] int line_of(const YAML::Node& node);

/// Reports keys of `map` outside `known`; false (and a problem) when `map` is not a mapping.
bool check_mapping(const YAML::Node& map, const std::string& what,
                   std::initializer_list<const char*> known, Problems& problems);

/// The non-empty string at `map[key]`; a problem when it is missing or not a scalar.
[[nodiscard]] std::optional<std::string> required_string(const YAML::Node& map, const char* key,
                                                         const std::string& what,
                                                         Problems& problems);

/// The non-empty string at `map[key]` when present; a problem when it is not a scalar.
[[nodiscard]] std::optional<std::string> optional_string(const YAML::Node& map, const char* key,
                                                         const std::string& what,
                                                         Problems& problems);

/// A duration (`common::parse_duration`: `90s`, `5m`, `1h30m`, `14d`, `500ms`) at `map[key]`
/// when present and within [min, max]; a problem naming the key otherwise.
[[nodiscard]] std::optional<std::chrono::milliseconds>
optional_duration(const YAML::Node& map, const char* key, const std::string& what,
                  std::chrono::milliseconds min, std::chrono::milliseconds max,
                  Problems& problems);

/// A finite number at `map[key]` when present and within [min, max]; a problem otherwise.
[[nodiscard]] std::optional<double> optional_number(const YAML::Node& map, const char* key,
                                                    const std::string& what, double min,
                                                    double max, Problems& problems);

/// A boolean at `map[key]` when present; a problem otherwise.
[[nodiscard]] std::optional<bool> optional_bool(const YAML::Node& map, const char* key,
                                                const std::string& what, Problems& problems);

/// A mapping of strings to strings at `node`; a problem per non-string entry.
[[nodiscard]] std::optional<std::vector<std::pair<std::string, std::string>>>
string_map(const YAML::Node& node, const std::string& what, Problems& problems);

} // namespace ihpa::adapter::config_parse
