#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ihpa::controller {

/// A status condition as the controller decides it (metav1.Condition without the times).
struct Condition {
    std::string type;
    std::string status; ///< True, False or Unknown
    std::string reason; ///< CamelCase
    std::string message;
};

/// RFC 3339 in UTC with seconds, as metav1.Time is written: `2026-12-02T13:04:05Z`.
[[nodiscard]] std::string format_time(std::chrono::system_clock::time_point time);

/// The `status.conditions` list for `wanted`, in that order: each keeps the
/// `lastTransitionTime` of the same type in `previous` when its status is unchanged, and takes
/// `now` otherwise; every condition carries `observedGeneration`.
[[nodiscard]] nlohmann::json merge_conditions(const nlohmann::json& previous,
                                              const std::vector<Condition>& wanted,
                                              std::chrono::system_clock::time_point now,
                                              std::int64_t generation);

/// The conditions of `wanted` whose status or reason differ from those in `previous` (a JSON
/// list of conditions), i.e. those worth an event.
[[nodiscard]] std::vector<Condition> changed_conditions(const nlohmann::json& previous,
                                                        const std::vector<Condition>& wanted);

} // namespace ihpa::controller
