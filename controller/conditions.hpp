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
