#include "simulate/hpa.hpp"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cmath>

namespace ihpa::simulate {
namespace {

/// Replicas added (or removed) by the events within the last `period_seconds` (strictly
/// after now - period, as getReplicasChangePerPeriod).
template <typename Event>
int change_in_period(const std::vector<Event>& events, std::int64_t now, int period_seconds)
{
    int change = 0;
    for (const auto& event : events) {
        if (event.time > now - period_seconds) {
            change += event.change;
        }
    }
    return change;
}

int longest_period(const ScalingRules& rules)
{
    int longest = 0;
    for (const auto& policy : rules.policies) {
        longest = std::max(longest, policy.period_seconds);
    }
    return longest;
}

} // namespace

int ceil_replicas(double total, double target_per_pod)
{
    const double x = total / target_per_pod;
    const double nearest = std::round(x);
    if (std::abs(x - nearest) <= 1e-9 * std::max(1.0, std::abs(x))) {
        return static_cast<int>(nearest);
    }
    return static_cast<int>(std::min(std::ceil(x), static_cast<double>(INT_MAX)));
}

int average_value_replicas(const MetricReading& metric, int current_replicas,
                           double scale_down_tolerance, double scale_up_tolerance)
{
    const double ratio = metric.total / (metric.target_per_pod * current_replicas);
    if (1.0 - scale_down_tolerance <= ratio && ratio <= 1.0 + scale_up_tolerance) {
        return current_replicas;
    }
    return ceil_replicas(metric.total, metric.target_per_pod);
}

HpaController::HpaController(HpaSpec spec) : spec_(std::move(spec))
{
    assert(spec_.min_replicas >= 1 && spec_.max_replicas >= spec_.min_replicas);
}

HpaDecision HpaController::sync(std::int64_t now, int current_replicas,
                                std::span<const MetricReading> metrics)
{
    assert(!metrics.empty() && current_replicas >= 0);
    forget_old_history(now);
    min_now_ = spec_.min_replicas;
    if (const auto floor = schedule::active_floor(spec_.floors, now)) {
        min_now_ = std::clamp(floor->min_replicas, spec_.min_replicas, spec_.max_replicas);
    }
    HpaDecision decision;
    if (current_replicas > spec_.max_replicas) {
        decision.desired_replicas = spec_.max_replicas;
    } else if (current_replicas < min_now_) {
        decision.desired_replicas = min_now_;
    } else {
        for (const auto& metric : metrics) {
            decision.metric_replicas = std::max(
                decision.metric_replicas,
                average_value_replicas(metric, current_replicas, spec_.behavior.scale_down.tolerance,
                                       spec_.behavior.scale_up.tolerance));
        }
        const int stabilized = stabilize(now, current_replicas, decision.metric_replicas);
        decision.desired_replicas = limit_rate(now, current_replicas, stabilized);
    }
    if (decision.desired_replicas > current_replicas) {
        scale_up_events_.push_back({decision.desired_replicas - current_replicas, now});
    } else if (decision.desired_replicas < current_replicas) {
        scale_down_events_.push_back({current_replicas - decision.desired_replicas, now});
    }
    return decision;
}

int HpaController::stabilize(std::int64_t now, int current_replicas, int metric_replicas)
{
    // stabilizeRecommendationWithBehaviors: a past recommendation counts when it is strictly
    // newer than now - window; the current one always counts.
    int up = metric_replicas;
    int down = metric_replicas;
    const std::int64_t up_cutoff = now - spec_.behavior.scale_up.stabilization_window_seconds;
    const std::int64_t down_cutoff = now - spec_.behavior.scale_down.stabilization_window_seconds;
    for (const auto& rec : recommendations_) {
        if (rec.time > up_cutoff) {
            up = std::min(up, rec.replicas);
        }
        if (rec.time > down_cutoff) {
            down = std::max(down, rec.replicas);
        }
    }
    recommendations_.push_back({metric_replicas, now});
    return std::min(std::max(current_replicas, up), down);
}

int HpaController::limit_rate(std::int64_t now, int current_replicas, int stabilized) const
{
    // convertDesiredReplicasWithBehaviorRate with calculateScale{Up,Down}Limit...: each policy
    // allows a change relative to the replicas at the start of its period.
    const auto period_start = [&](const ScalingPolicy& policy) {
        return current_replicas - change_in_period(scale_up_events_, now, policy.period_seconds) +
               change_in_period(scale_down_events_, now, policy.period_seconds);
    };
    if (stabilized > current_replicas) {
        const ScalingRules& rules = spec_.behavior.scale_up;
        int limit = current_replicas;
        if (rules.select_policy != SelectPolicy::Disabled) {
            const bool pick_max = rules.select_policy == SelectPolicy::Max;
            limit = pick_max ? INT_MIN : INT_MAX;
            for (const auto& policy : rules.policies) {
                const int start = period_start(policy);
                const int proposed =
                    policy.type == PolicyType::Pods
                        ? start + policy.value
                        : static_cast<int>(std::ceil(start * (1.0 + policy.value / 100.0)));
                limit = pick_max ? std::max(limit, proposed) : std::min(limit, proposed);
            }
            limit = std::max(limit, current_replicas);
        }
        return std::min({stabilized, limit, spec_.max_replicas});
    }
    if (stabilized < current_replicas) {
        const ScalingRules& rules = spec_.behavior.scale_down;
        int limit = current_replicas;
        if (rules.select_policy != SelectPolicy::Disabled) {
            const bool pick_max = rules.select_policy == SelectPolicy::Max;
            limit = pick_max ? INT_MAX : INT_MIN;
            for (const auto& policy : rules.policies) {
                const int start = period_start(policy);
                const int proposed =
                    policy.type == PolicyType::Pods
                        ? start - policy.value
                        : static_cast<int>(start * (1.0 - policy.value / 100.0));
                limit = pick_max ? std::min(limit, proposed) : std::max(limit, proposed);
            }
            limit = std::min(limit, current_replicas);
        }
        return std::max({stabilized, limit, min_now_});
    }
    return stabilized;
}

void HpaController::forget_old_history(std::int64_t now)
{
    // Entries that no window or period can reach any more (the controller overwrites or marks
    // them outdated); later syncs have larger `now`, so they stay unreachable.
    const int window = std::max(spec_.behavior.scale_up.stabilization_window_seconds,
                                spec_.behavior.scale_down.stabilization_window_seconds);
    std::erase_if(recommendations_, [&](const Recommendation& r) { return r.time <= now - window; });
    const int period =
        std::max(longest_period(spec_.behavior.scale_up), longest_period(spec_.behavior.scale_down));
    const auto old_event = [&](const ScaleEvent& e) { return e.time <= now - period; };
    std::erase_if(scale_up_events_, old_event);
    std::erase_if(scale_down_events_, old_event);
}

} // namespace ihpa::simulate
