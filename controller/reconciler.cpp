#include "controller/reconciler.hpp"

#include "controller/conditions.hpp"
#include "controller/hpa_builder.hpp"
#include "common/quantity.hpp"
#include "common/time_text.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::controller {
namespace {

using nlohmann::json;

/// One metric's forecast as the round found it.
struct MetricOutcome {
    std::string key;
    std::string state;   ///< the adapter's state, or pending, noSource, noTarget
    std::string reason;  ///< CamelCase, for the conditions (empty when all is well)
    std::string message; ///< why it is not in use / not forecasting
    bool degraded = false;
    std::optional<json> entry; ///< the HPA entry reading it, when its target is known
    std::string target;        ///< that entry's target, as text
    bool in_use = false;
};

/// Adapter states whose value the HPA may read: each is a defined fallback or the forecast;
/// `unavailable` answers 503, which would block every scale-down of the HPA.
bool servable(const std::string& state)
{
    return state == "forecast" || state == "coldStart" || state == "notFitted" ||
           state == "stale";
}

/// The condition reason of an adapter state other than `forecast`.
std::string state_reason(const std::string& state)
{
    if (state == "coldStart") {
        return "ColdStart";
    }
    if (state == "notFitted") {
        return "NotFitted";
    }
    if (state == "stale") {
        return "Stale";
    }
    return "Unavailable";
}

/// The HPA entry of a metric's forecast, or why its target cannot be computed.
std::expected<json, std::pair<std::string, std::string>>
forecast_entry(const Ihpa& ihpa, const TemplateMetric& metric, const ReconcileInput& input)
{
    if (metric.target != TargetType::Utilization) {
        return forecast_metric(ihpa.name, metric.key, metric.target, metric.target_value);
    }
    if (!input.pods) {
        return std::unexpected(std::pair{std::string("ScaleTargetNotFound"),
                                         std::string("the scale target was not found, so the "
                                                     "Utilization target has no request base")});
    }
    const auto mean = mean_pod_request(*input.pods, metric.name, metric.container);
    if (!mean) {
        const bool no_pods = input.pods->empty() ||
                             std::none_of(input.pods->begin(), input.pods->end(),
                                          [](const ObservedPod& pod) { return pod.live; });
        return std::unexpected(std::pair{std::string(no_pods ? "NoPods" : "MissingRequests"),
                                         mean.error()});
    }
    // Rounded to micro units first: 60 % of 150m is 90m, not the 91m that rounding a binary
    // 0.09000000000000001 up to milli units would give.
    const double per_pod = std::round(metric.target_value.get<double>() / 100.0 * *mean * 1e6) / 1e6;
    return forecast_metric(ihpa.name, metric.key, TargetType::AverageValue,
                           common::format_quantity(per_pod));
}

/// Every metric's outcome, in template order.
std::vector<MetricOutcome> evaluate_metrics(const Ihpa& ihpa,
                                            const std::vector<PlannedForecast>& plan,
                                            const ReconcileInput& input)
{
    std::vector<MetricOutcome> outcomes;
    for (std::size_t i = 0; i < ihpa.metrics.size(); ++i) {
        const TemplateMetric& metric = ihpa.metrics[i];
        MetricOutcome outcome;
        outcome.key = metric.key;
        auto entry = forecast_entry(ihpa, metric, input);
        if (entry) {
            const json& target = (*entry)["external"]["target"];
            const json& value = target.contains("value") ? target["value"] : target["averageValue"];
            outcome.target = value.is_string() ? value.get<std::string>() : value.dump();
            outcome.entry = std::move(*entry);
        }
        const auto status = input.forecasts.find(metric.key);
        if (!plan[i].forecast) {
            outcome.state = "noSource";
            outcome.reason = "NoSource";
            outcome.message = plan[i].problem;
            outcome.degraded = true;
        } else if (!entry) {
            outcome.state = "noTarget";
            outcome.reason = entry.error().first;
            outcome.message = entry.error().second;
            outcome.degraded = true;
        } else if (status == input.forecasts.end()) {
            outcome.state = "pending";
            outcome.reason = "Pending";
            outcome.message = "the adapter has not reported on this forecast yet";
        } else {
            outcome.state = status->second.state;
            const std::string& model = status->second.model;
            if (outcome.state != "forecast") {
                outcome.reason = state_reason(outcome.state);
                outcome.message = status->second.message.empty() ? "state " + outcome.state
                                                                 : status->second.message;
                outcome.degraded = outcome.state == "stale" || !servable(outcome.state);
            } else if (model.starts_with(adapter::kTrafficFallbackPrefix)) {
                // Forecast and in use, but not from its traffic: degraded, not unready.
                const std::size_t why = adapter::kTrafficFallbackPrefix.size();
                outcome.reason = "TrafficFallback";
                outcome.message = "forecast from its own history, not its traffic: " +
                                  model.substr(why, model.find("): ", why) - why);
                outcome.degraded = true;
            }
        }
        outcome.in_use = ihpa.mode == Mode::Auto && outcome.entry && plan[i].forecast &&
                         status != input.forecasts.end() && servable(outcome.state);
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

/// `status.metrics[]` for the outcomes and the adapter's figures.
json metrics_status(const std::vector<MetricOutcome>& outcomes, const ReconcileInput& input)
{
    json list = json::array();
    for (const MetricOutcome& outcome : outcomes) {
        json item = {{"key", outcome.key}, {"state", outcome.state}, {"inUse", outcome.in_use}};
        if (!outcome.target.empty()) {
            item["target"] = outcome.target;
        }
        if (!outcome.message.empty()) {
            item["message"] = outcome.message;
        }
        if (const auto it = input.forecasts.find(outcome.key); it != input.forecasts.end()) {
            const ForecastStatus& figures = it->second;
            if (figures.current) {
                item["current"] = common::format_quantity(*figures.current);
            }
            if (figures.served) {
                item["forecast"] = common::format_quantity(*figures.served);
            }
            if (!figures.model.empty()) {
                item["model"] = figures.model;
            }
            if (figures.rel_mae) {
                item["relMAE"] = *figures.rel_mae;
            }
            if (figures.coverage) {
                item["coverage"] = *figures.coverage;
            }
            if (figures.traffic_r2) {
                item["trafficR2"] = *figures.traffic_r2;
            }
            if (figures.last_fit) {
                item["lastFit"] = common::rfc3339(*figures.last_fit);
            }
        }
        list.push_back(std::move(item));
    }
    return list;
}

/// Whether an outcome keeps its metric from being forecast (a traffic fallback is still forecast).
bool not_forecast(const MetricOutcome& o)
{
    return !o.reason.empty() && o.state != "forecast";
}

/// `key: message` of the outcomes that are not forecast (or, `degraded_only`, that are degraded), joined.
std::string problems_text(const std::vector<MetricOutcome>& outcomes, bool degraded_only)
{
    std::string text;
    for (const MetricOutcome& outcome : outcomes) {
        if (degraded_only ? outcome.degraded : not_forecast(outcome)) {
            text += (text.empty() ? "" : "; ") + outcome.key + ": " + outcome.message;
        }
    }
    return text;
}

/// ForecastReady: whether every metric is forecast from a fitted model (and, in Auto mode,
/// read by the HPA); the reason is the first metric's that is not.
Condition forecast_ready(const Ihpa& ihpa, const std::vector<MetricOutcome>& outcomes)
{
    const auto first = std::find_if(outcomes.begin(), outcomes.end(), not_forecast);
    if (first != outcomes.end()) {
        std::string used;
        for (const MetricOutcome& outcome : outcomes) {
            if (outcome.in_use) {
                used += (used.empty() ? "" : ", ") + outcome.key;
            }
        }
        return {"ForecastReady", "False", first->reason,
                problems_text(outcomes, false) +
                    (ihpa.mode == Mode::Preview ? " (mode Preview: the HPA reads no forecast)"
                     : used.empty()             ? " (the HPA reads no forecast)"
                                                : " (the HPA reads the forecasts of " + used + ")")};
    }
    if (ihpa.mode == Mode::Preview) {
        return {"ForecastReady", "True", "Preview",
                "every metric is forecast; mode Preview: the HPA reads the template's metrics "
                "only"};
    }
    return {"ForecastReady", "True", "InUse", "the HPA reads a forecast of every metric"};
}

/// Degraded: whether a forecast is missing or served from stale data or not at all.
Condition degraded(const std::vector<MetricOutcome>& outcomes)
{
    const auto first = std::find_if(outcomes.begin(), outcomes.end(),
                                    [](const MetricOutcome& o) { return o.degraded; });
    if (first == outcomes.end()) {
        return {"Degraded", "False", "AsExpected", "no forecast is missing or stale"};
    }
    return {"Degraded", "True", first->reason, problems_text(outcomes, true)};
}

/// ScalingActive, copied from the HPA's status when the HPA is ours.
Condition scaling_active(const std::optional<json>& hpa, bool ours)
{
    if (hpa && ours) {
        const json conditions = hpa->value("status", json::object()).value("conditions", json());
        if (conditions.is_array()) {
            for (const json& each : conditions) {
                if (each.is_object() && each.value("type", json()) == "ScalingActive") {
                    return {"ScalingActive", each.value("status", std::string("Unknown")),
                            each.value("reason", std::string("Unknown")),
                            each.value("message", std::string())};
                }
            }
        }
    }
    return {"ScalingActive", "Unknown", "HpaNotObserved",
            "the HPA has not reported whether it can scale"};
}

/// Events for the conditions that changed since `previous_status`.
std::vector<Event> condition_events(const json& previous_status,
                                    const std::vector<Condition>& conditions)
{
    std::vector<Event> events;
    for (const Condition& each : changed_conditions(previous_status.value("conditions", json()),
                                                    conditions)) {
        if (each.type == "ScalingActive") {
            continue; // the HPA records its own events
        }
        const bool bad = (each.type == "Ready" && each.status != "True") ||
                         (each.type == "Degraded" && each.status == "True") ||
                         (each.type == "ForecastReady" && each.status != "True" &&
                          each.reason != "Pending" && each.reason != "ColdStart" &&
                          each.reason != "NotFitted");
        events.push_back({bad ? "Warning" : "Normal", each.reason, each.message});
    }
    return events;
}

/// The status object around the conditions.
json status_object(const IhpaIdentity& identity, const json& previous_status,
                   const std::vector<Condition>& conditions, const ReconcileInput& input,
                   bool hpa_ours)
{
    json status = {{"observedGeneration", identity.generation},
                   {"hpaName", hpa_name(identity.name)},
                   {"conditions", merge_conditions(previous_status.value("conditions", json()),
                                                   conditions, input.now, identity.generation)}};
    if (input.hpa && hpa_ours) {
        const json hpa_status = input.hpa->value("status", json::object());
        for (const char* key : {"currentReplicas", "desiredReplicas"}) {
            if (hpa_status.contains(key)) {
                status[key] = hpa_status[key];
            }
        }
    }
    return status;
}

/// The result for an IHPA whose spec does not parse: the HPA is left as it is.
ReconcileResult invalid_result(const IhpaIdentity& identity, const std::vector<std::string>& problems,
                               const ReconcileInput& input)
{
    std::string text;
    for (const std::string& problem : problems) {
        text += (text.empty() ? "" : "; ") + problem;
    }
    const bool ours = input.hpa && owned_by(*input.hpa, identity.uid);
    const std::vector<Condition> conditions = {
        {"Ready", "False", "InvalidSpec", text},
        {"ForecastReady", "False", "InvalidSpec", "the spec is invalid"},
        {"Degraded", "True", "InvalidSpec", "the spec is invalid; the HPA is left as it is"},
        scaling_active(input.hpa, ours)};
    const json previous = input.ihpa.value("status", json::object());
    ReconcileResult result;
    result.status = status_object(identity, previous, conditions, input, ours);
    (*result.status)["metrics"] = json::array();
    result.events = condition_events(previous, conditions);
    return result;
}

} // namespace

ReconcileResult reconcile(const ReconcileInput& input)
{
    const auto identity = read_identity(input.ihpa);
    if (!identity || identity->deleting) {
        return {}; // nothing to report on, or the garbage collector removes the HPA
    }
    const auto parsed = parse_ihpa(input.ihpa);
    if (!parsed) {
        return invalid_result(*identity, parsed.error(), input);
    }
    const Ihpa& ihpa = *parsed;
    const auto plan = plan_forecasts(ihpa, input.catalog, input.target_selector);
    const auto outcomes = evaluate_metrics(ihpa, plan, input);

    std::vector<json> entries;
    for (const MetricOutcome& outcome : outcomes) {
        if (outcome.in_use) {
            entries.push_back(*outcome.entry);
        }
    }
    ReconcileResult result;
    const ScheduleDecision schedules = decide_schedules(ihpa.schedules, input.now);
    result.next_schedule_change = schedules.next_change;
    const json desired =
        desired_hpa(ihpa, entries, schedules.active ? schedules.active->min_replicas : 0);
    const std::string hpa = ihpa.namespace_ + "/" + hpa_name(ihpa.name);
    const bool ours = input.hpa && owned_by(*input.hpa, ihpa.uid);
    Condition ready{"Ready", "True", "HpaReady", "the HPA " + hpa + " is as the IHPA asks"};
    if (!input.hpa) {
        result.action = HpaAction::Create;
        result.hpa = desired;
        result.events.push_back({"Normal", "HpaCreated", "created the HPA " + hpa});
    } else if (!ours) {
        ready = {"Ready", "False", "HpaNotOwned",
                 "the HPA " + hpa + " exists and is not owned by this IHPA; delete or rename it "
                                    "to let the IHPA manage it"};
    } else if (input.hpa->value("metadata", json::object()).contains("deletionTimestamp")) {
        ready = {"Ready", "False", "HpaBeingDeleted",
                 "the HPA " + hpa + " is being deleted; it is created again once it is gone"};
    } else if (!hpa_matches(*input.hpa, desired)) {
        result.action = HpaAction::Update;
        result.hpa = hpa_update(*input.hpa, desired);
        result.events.push_back(
            {"Normal", "HpaUpdated",
             "updated the HPA " + hpa + ": it differed from what the IHPA asks (edited, or the "
                                        "IHPA or its forecasts changed)"});
    }
    const std::vector<Condition> conditions = {ready, forecast_ready(ihpa, outcomes),
                                               degraded(outcomes),
                                               scaling_active(input.hpa, ours)};
    const auto events = condition_events(ihpa.previous_status, conditions);
    result.events.insert(result.events.end(), events.begin(), events.end());
    result.status = status_object(*identity, ihpa.previous_status, conditions, input, ours);
    (*result.status)["metrics"] = metrics_status(outcomes, input);
    const json window = schedule_status(schedules);
    const json before = ihpa.previous_status.value("schedule", json());
    if (!window.is_null()) {
        (*result.status)["schedule"] = window;
    }
    const std::string was = before.is_object() ? before.value("name", "") : "";
    if (schedules.active && schedules.name != was) {
        result.events.push_back(
            {"Normal", "ScheduleStarted",
             "schedule " + schedules.name + ": at least " +
                 std::to_string(schedules.active->min_replicas) + " replicas until " +
                 window.value("until", "")});
    } else if (!schedules.active && !was.empty()) {
        result.events.push_back({"Normal", "ScheduleEnded",
                                 "schedule " + was + " ended: the template's minReplicas again"});
    }
    for (const PlannedForecast& each : plan) {
        if (each.forecast) {
            result.forecasts.push_back(*each.forecast);
        }
    }
    return result;
}

} // namespace ihpa::controller
