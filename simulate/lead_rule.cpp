#include "simulate/lead_rule.hpp"

#include <algorithm>

namespace ihpa::simulate {

std::expected<LeadRule, SimulateError> parse_lead_rule(std::string_view name)
{
    if (name == "point") {
        return LeadRule::Point;
    }
    if (name == "windowMax") {
        return LeadRule::WindowMax;
    }
    return std::unexpected(
        SimulateError{"unknown rule \"" + std::string(name) + "\" (known: point, windowMax)"});
}

std::string lead_rule_name(LeadRule rule)
{
    return rule == LeadRule::Point ? "point" : "windowMax";
}

double apply_lead_rule(LeadRule rule, std::int64_t now, std::int64_t lead, std::int64_t first_knot,
                       std::int64_t knot_step, const std::function<double(double)>& value_at)
{
    const std::int64_t until = now + lead;
    double value = value_at(static_cast<double>(until));
    if (rule == LeadRule::Point) {
        return value;
    }
    value = std::max(value, value_at(static_cast<double>(now)));
    // First knot strictly after `now`.
    std::int64_t knot = first_knot;
    if (knot <= now) {
        knot += ((now - knot) / knot_step + 1) * knot_step;
    }
    for (; knot < until; knot += knot_step) {
        value = std::max(value, value_at(static_cast<double>(knot)));
    }
    return value;
}

} // namespace ihpa::simulate
