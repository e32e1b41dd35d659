#include "simulate/behavior.hpp"

#include "common/file.hpp"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>

namespace ihpa::simulate {
namespace {

ScalingRules default_scale_up()
{
    return ScalingRules{0,
                        SelectPolicy::Max,
                        {ScalingPolicy{PolicyType::Pods, 4, 15}, ScalingPolicy{PolicyType::Percent, 100, 15}},
                        0.1};
}

ScalingRules default_scale_down()
{
    return ScalingRules{300, SelectPolicy::Max, {ScalingPolicy{PolicyType::Percent, 100, 15}}, 0.1};
}

using Result = std::expected<void, SimulateError>;

Result fail(const std::string& field, const std::string& why)
{
    return std::unexpected(SimulateError{"behavior: " + field + ": " + why});
}

Result check_keys(const YAML::Node& node, const std::string& field,
                  std::initializer_list<std::string_view> known)
{
    if (!node.IsMap()) {
        return fail(field, "expected a mapping");
    }
    for (const auto& entry : node) {
        const auto key = entry.first.as<std::string>();
        bool found = false;
        for (const auto k : known) {
            found = found || key == k;
        }
        if (!found) {
            return fail(field, "unknown field \"" + key + "\"");
        }
    }
    return {};
}

std::expected<int, SimulateError> read_int(const YAML::Node& node, const std::string& field, int lo,
                                           int hi)
{
    int value = 0;
    if (!node.IsScalar() || !YAML::convert<int>::decode(node, value)) {
        return std::unexpected(SimulateError{"behavior: " + field + ": expected an integer"});
    }
    if (value < lo || value > hi) {
        return std::unexpected(SimulateError{"behavior: " + field + ": must be in [" +
                                             std::to_string(lo) + ", " + std::to_string(hi) + "]"});
    }
    return value;
}

Result parse_policy(const YAML::Node& node, const std::string& field, ScalingPolicy& out)
{
    if (auto ok = check_keys(node, field, {"type", "value", "periodSeconds"}); !ok) {
        return ok;
    }
    if (!node["type"] || !node["value"] || !node["periodSeconds"]) {
        return fail(field, "type, value and periodSeconds are required");
    }
    const auto type = node["type"].as<std::string>();
    if (type == "Pods") {
        out.type = PolicyType::Pods;
    } else if (type == "Percent") {
        out.type = PolicyType::Percent;
    } else {
        return fail(field + ".type", "must be Pods or Percent, not \"" + type + "\"");
    }
    const auto value = read_int(node["value"], field + ".value", 1, 1'000'000);
    if (!value) {
        return std::unexpected(value.error());
    }
    const auto period = read_int(node["periodSeconds"], field + ".periodSeconds", 1, 1800);
    if (!period) {
        return std::unexpected(period.error());
    }
    out.value = *value;
    out.period_seconds = *period;
    return {};
}

Result parse_rules(const YAML::Node& node, const std::string& field, ScalingRules& out)
{
    if (auto ok = check_keys(node, field,
                             {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"});
        !ok) {
        return ok;
    }
    if (const auto window = node["stabilizationWindowSeconds"]) {
        const auto seconds = read_int(window, field + ".stabilizationWindowSeconds", 0, 3600);
        if (!seconds) {
            return std::unexpected(seconds.error());
        }
        out.stabilization_window_seconds = *seconds;
    }
    if (const auto select = node["selectPolicy"]) {
        const auto name = select.as<std::string>();
        if (name == "Max") {
            out.select_policy = SelectPolicy::Max;
        } else if (name == "Min") {
            out.select_policy = SelectPolicy::Min;
        } else if (name == "Disabled") {
            out.select_policy = SelectPolicy::Disabled;
        } else {
            return fail(field + ".selectPolicy", "must be Max, Min or Disabled, not \"" + name + "\"");
        }
    }
    if (const auto policies = node["policies"]) {
        if (!policies.IsSequence() || policies.size() == 0) {
            return fail(field + ".policies", "expected a non-empty list");
        }
        out.policies.clear();
        for (std::size_t i = 0; i < policies.size(); ++i) {
            ScalingPolicy policy;
            if (auto ok = parse_policy(policies[i], field + ".policies[" + std::to_string(i) + "]", policy);
                !ok) {
                return ok;
            }
            out.policies.push_back(policy);
        }
    }
    if (const auto tolerance = node["tolerance"]) {
        double value = 0.0;
        if (!tolerance.IsScalar() || !YAML::convert<double>::decode(tolerance, value) || value < 0.0 ||
            value > 1.0) {
            return fail(field + ".tolerance", "expected a number in [0, 1]");
        }
        out.tolerance = value;
    }
    return {};
}

} // namespace

Behavior default_behavior()
{
    return Behavior{default_scale_up(), default_scale_down()};
}

std::expected<Behavior, SimulateError> parse_behavior(std::string_view text)
{
    try {
        YAML::Node root = YAML::Load(std::string(text));
        if (root.IsMap() && root["behavior"]) {
            if (auto ok = check_keys(root, "(top level)", {"behavior"}); !ok) {
                return std::unexpected(ok.error());
            }
            root = root["behavior"];
        }
        if (root.IsNull()) {
            return default_behavior();
        }
        if (auto ok = check_keys(root, "(block)", {"scaleUp", "scaleDown"}); !ok) {
            return std::unexpected(ok.error());
        }
        Behavior behavior = default_behavior();
        if (const auto up = root["scaleUp"]) {
            if (auto ok = parse_rules(up, "scaleUp", behavior.scale_up); !ok) {
                return std::unexpected(ok.error());
            }
        }
        if (const auto down = root["scaleDown"]) {
            if (auto ok = parse_rules(down, "scaleDown", behavior.scale_down); !ok) {
                return std::unexpected(ok.error());
            }
        }
        return behavior;
    } catch (const YAML::Exception& e) {
        return std::unexpected(SimulateError{std::string("behavior: not valid YAML/JSON: ") + e.what()});
    }
}

std::expected<Behavior, SimulateError> read_behavior(const std::filesystem::path& path)
{
    const auto text = common::read_file(path);
    if (!text) {
        return std::unexpected(SimulateError{"behavior file " + text.error()});
    }
    auto behavior = parse_behavior(*text);
    if (!behavior) {
        return std::unexpected(SimulateError{path.string() + ": " + behavior.error().message});
    }
    return behavior;
}

} // namespace ihpa::simulate
