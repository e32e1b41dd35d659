#include "simulate/summary_json.hpp"

#include "simulate/duration.hpp"

#include <cmath>

namespace ihpa::simulate {
namespace {

/// JSON has no infinity: a change against a zero baseline is null.
nlohmann::json finite_or_null(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json side_json(const SideMetrics& m)
{
    return {{"under_provisioned_pod_minutes", m.under_provisioned_pod_minutes},
            {"under_provisioned_minutes", m.under_provisioned_minutes},
            {"replica_hours", m.replica_hours},
            {"peak_replicas", m.peak_replicas},
            {"scale_events", m.scale_events}};
}

nlohmann::json versus(const SideMetrics& m, const SideMetrics& reactive)
{
    return {{"under_provisioned_pod_minutes_pct",
             finite_or_null(percent_change(m.under_provisioned_pod_minutes,
                                           reactive.under_provisioned_pod_minutes))},
            {"replica_hours_pct", finite_or_null(percent_change(m.replica_hours, reactive.replica_hours))},
            {"scale_events_diff", m.scale_events - reactive.scale_events}};
}

nlohmann::json policies_json(const ScalingRules& rules)
{
    nlohmann::json policies = nlohmann::json::array();
    for (const auto& p : rules.policies) {
        policies.push_back({{"type", p.type == PolicyType::Pods ? "Pods" : "Percent"},
                            {"value", p.value},
                            {"periodSeconds", p.period_seconds}});
    }
    const char* select = rules.select_policy == SelectPolicy::Max   ? "Max"
                         : rules.select_policy == SelectPolicy::Min ? "Min"
                                                                    : "Disabled";
    return {{"stabilizationWindowSeconds", rules.stabilization_window_seconds},
            {"selectPolicy", select},
            {"policies", policies},
            {"tolerance", rules.tolerance}};
}

/// The scheduled floors as given: schedule, time zone, duration in seconds, minReplicas.
nlohmann::json schedules_json(const std::vector<schedule::ScheduledFloor>& floors)
{
    nlohmann::json list = nlohmann::json::array();
    for (const auto& floor : floors) {
        list.push_back({{"schedule", floor.when.expression()},
                        {"timeZone", floor.when.time_zone()},
                        {"durationSeconds", floor.duration_seconds},
                        {"minReplicas", floor.min_replicas}});
    }
    return list;
}

} // namespace

nlohmann::json summary_json(const Comparison& comparison, const RunDescription& run)
{
    const SimulationSettings& sim = run.simulation;
    nlohmann::json predictive = side_json(comparison.predictive.metrics);
    predictive["vs_reactive"] = versus(comparison.predictive.metrics, comparison.reactive.metrics);
    nlohmann::json oracle = side_json(comparison.oracle.metrics);
    oracle["vs_reactive"] = versus(comparison.oracle.metrics, comparison.reactive.metrics);
    nlohmann::json settings = {
        {"trace", run.trace_name},
        {"trace_points", run.trace_points},
        {"trace_step", format_duration(run.trace_step_seconds)},
        {"per_pod_capacity", sim.per_pod_capacity},
        {"capacity_source", run.capacity_source},
        {"model", run.model},
        {"seasonality", run.seasonality},
        {"rule", run.rule},
        {"band", run.band},
        {"lead", format_duration(run.feed.shift.lead_seconds)},
        {"refit", format_duration(run.feed.refit_seconds)},
        {"history", format_duration(run.feed.history_seconds)},
        {"min_history_samples", run.feed.min_history},
        {"fits", run.feed_stats.fits},
        {"failed_fits", run.feed_stats.failed_fits},
        {"reads_served_latest_value", run.feed_stats.cold_reads},
        {"sync", format_duration(sim.sync_seconds)},
        {"pod_startup", format_duration(sim.pod_startup_seconds)},
        {"min_replicas", sim.hpa.min_replicas},
        {"max_replicas", sim.hpa.max_replicas},
        {"schedules", schedules_json(sim.hpa.floors)},
        {"behavior", {{"scaleUp", policies_json(sim.hpa.behavior.scale_up)},
                      {"scaleDown", policies_json(sim.hpa.behavior.scale_down)}}},
        {"load_between_samples", "linear interpolation"},
        {"metric", "latest sample at or before the sync, no collection delay"},
    };
    return {{"reactive", side_json(comparison.reactive.metrics)},
            {"predictive", predictive},
            {"oracle", oracle},
            {"settings", settings}};
}

} // namespace ihpa::simulate
