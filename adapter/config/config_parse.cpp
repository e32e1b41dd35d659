#include "adapter/config/config_parse.hpp"

#include "common/duration.hpp"
#include "common/number_text.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::adapter::config_parse {
namespace {

std::string join(std::initializer_list<const char*> keys)
{
    std::string out;
    for (const char* key : keys) {
        out += out.empty() ? "" : ", ";
        out += key;
    }
    return out;
}

std::string shown(const YAML::Node& node)
{
    return node.IsScalar() ? "\"" + node.Scalar() + "\"" : "a non-scalar value";
}

} // namespace

void Problems::add(const YAML::Node& at, const std::string& message)
{
    add(line_of(at), message);
}

void Problems::add(int line, const std::string& message)
{
    list_.push_back(origin_ + ":" + std::to_string(line) + ": " + message);
}

int line_of(const YAML::Node& node)
{
    return node.Mark().line + 1;
}

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
    if (!map[key]) {
        problems.add(map, what + " needs \"" + key + "\"");
        return std::nullopt;
    }
    return optional_string(map, key, what, problems);
}

std::optional<std::string> optional_string(const YAML::Node& map, const char* key,
                                           const std::string& what, Problems& problems)
{
    const YAML::Node node = map[key];
    if (!node) {
        return std::nullopt;
    }
    if (!node.IsScalar() || node.Scalar().empty()) {
        problems.add(node, what + "." + key + " must be a non-empty string");
        return std::nullopt;
    }
    return node.Scalar();
}

std::optional<std::chrono::milliseconds>
optional_duration(const YAML::Node& map, const char* key, const std::string& what,
                  std::chrono::milliseconds min, std::chrono::milliseconds max,
                  Problems& problems)
{
    const YAML::Node node = map[key];
    if (!node) {
        return std::nullopt;
    }
    if (!node.IsScalar()) {
        problems.add(node, what + "." + key + " must be a duration such as 30s, 5m or 14d");
        return std::nullopt;
    }
    auto parsed = common::parse_duration(node.Scalar());
    if (!parsed) {
        problems.add(node, what + "." + key + ": invalid duration " + shown(node) + ": " +
                               parsed.error());
        return std::nullopt;
    }
    if (*parsed < min || *parsed > max) {
        problems.add(node, what + "." + key + " must be between " + common::format_duration(min) +
                               " and " + common::format_duration(max) + ", got " + shown(node));
        return std::nullopt;
    }
    return *parsed;
}

std::optional<double> optional_number(const YAML::Node& map, const char* key,
                                      const std::string& what, double min, double max,
                                      Problems& problems)
{
    const YAML::Node node = map[key];
    if (!node) {
        return std::nullopt;
    }
    double value = 0.0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !std::isfinite(value) ||
        value < min || value > max) {
        problems.add(node, what + "." + key + " must be a number in [" + common::shortest_text(min) + ", " +
                               common::shortest_text(max) + "], got " + shown(node));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> optional_bool(const YAML::Node& map, const char* key, const std::string& what,
                                  Problems& problems)
{
    const YAML::Node node = map[key];
    if (!node) {
        return std::nullopt;
    }
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
        problems.add(node, what + "." + key + " must be true or false, got " + shown(node));
        return std::nullopt;
    }
    return value;
}

std::optional<std::vector<std::pair<std::string, std::string>>>
string_map(const YAML::Node& node, const std::string& what, Problems& problems)
{
    if (!node.IsMap()) {
        problems.add(node, what + " must be a mapping");
        return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& entry : node) {
        if (!entry.second.IsScalar()) {
            problems.add(entry.second, what + "." + entry.first.Scalar() + " must be a string");
            continue;
        }
        out.emplace_back(entry.first.Scalar(), entry.second.Scalar());
    }
    return out;
}

} // namespace ihpa::adapter::config_parse
