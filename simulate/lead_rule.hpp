#pragma once

#include "simulate/error.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace ihpa::simulate {

/// How a forecast path becomes the one value served at `now` (design.md, time-shift rules).
enum class LeadRule {
    Point,    ///< the value at now + lead
    WindowMax ///< the max over [now, now + lead]: scale up early, down late
};

/// Parses "point" or "windowMax"; the error lists the accepted names.
[[nodiscard]] std::expected<LeadRule, SimulateError> parse_lead_rule(std::string_view name);

/// The rule's name as written in configs ("point", "windowMax").
[[nodiscard]] std::string lead_rule_name(LeadRule rule);

/// Applies `rule` to a piecewise-linear path given by `value_at` (time → value): the value at
/// `now + lead`, or the max over [now, now + lead] taken at both ends and at every knot
/// `first_knot + k × knot_step` inside (where a piecewise-linear path reaches its max).
/// `knot_step` > 0, `lead` >= 0.
[[nodiscard]] double apply_lead_rule(LeadRule rule, std::int64_t now, std::int64_t lead,
                                     std::int64_t first_knot, std::int64_t knot_step,
                                     const std::function<double(double)>& value_at);

} // namespace ihpa::simulate
