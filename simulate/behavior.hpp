#pragma once

#include "simulate/error.hpp"

#include <expected>
#include <filesystem>
#include <string_view>
#include <vector>

namespace ihpa::simulate {

/// autoscaling/v2 `HPAScalingPolicy.type`.
enum class PolicyType { Pods, Percent };

/// autoscaling/v2 `HPAScalingPolicy`: at most `value` pods (or percent of the replicas at the
/// start of the period) may be added/removed within any `period_seconds`.
struct ScalingPolicy {
    PolicyType type = PolicyType::Pods;
    int value = 1;           ///< > 0
    int period_seconds = 15; ///< 1..1800
};

/// autoscaling/v2 `selectPolicy`: the policy allowing the largest change, the smallest, or none.
enum class SelectPolicy { Max, Min, Disabled };

/// autoscaling/v2 `HPAScalingRules` for one direction, with the API server's defaults filled in.
struct ScalingRules {
    int stabilization_window_seconds = 0; ///< 0..3600
    SelectPolicy select_policy = SelectPolicy::Max;
    std::vector<ScalingPolicy> policies;
    double tolerance = 0.1; ///< `tolerance` (HPAConfigurableTolerance); controller default 0.1
};

/// autoscaling/v2 `HorizontalPodAutoscalerBehavior` with every default applied.
struct Behavior {
    ScalingRules scale_up;
    ScalingRules scale_down;
};

/// The behavior an HPA gets when none is given: scale-up without stabilisation, policies
/// Pods 4 / 15 s and Percent 100 / 15 s, select Max; scale-down with the controller's 300 s
/// stabilisation window and Percent 100 / 15 s (pkg/apis/autoscaling/v2/defaults.go).
[[nodiscard]] Behavior default_behavior();

/// Parses an autoscaling/v2 `behavior` block given as YAML or JSON, either the block itself
/// (`{scaleUp: ..., scaleDown: ...}`) or wrapped as `{behavior: {...}}`. Omitted parts take the
/// defaults of `default_behavior()`, as the API server fills them. Unknown keys and values the
/// API server would reject are errors naming the field.
[[nodiscard]] std::expected<Behavior, SimulateError> parse_behavior(std::string_view text);

/// Reads `path` and parses it with `parse_behavior`; errors are prefixed with the path.
[[nodiscard]] std::expected<Behavior, SimulateError>
read_behavior(const std::filesystem::path& path);

} // namespace ihpa::simulate
