#pragma once

#include "controller/forecast_plan.hpp"
#include "controller/pod_requests.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::controller {

/// What the adapter reports about one forecast series (its `ForecastState`), as plain values.
struct ForecastStatus {
    /// How the value is served: coldStart, notFitted, forecast, stale or unavailable (the
    /// adapter's `ihpa_forecast_state`).
    std::string state;
    std::optional<double> current; ///< the latest observed value (workload total)
    std::optional<double> served;  ///< the value served for now (workload total)
    std::string model;             ///< the fitted model, empty before the first fit
    std::optional<double> rel_mae; ///< live relative MAE
    std::optional<double> coverage; ///< live 10-90 % band coverage
    std::optional<double> traffic_r2; ///< held-out R² of a traffic-driven forecast's model
    std::optional<std::chrono::system_clock::time_point> last_fit;
    std::string message; ///< why the state is not `forecast`, when it is not
};

/// Everything the reconciler decides from, as read in one round.
struct ReconcileInput {
    nlohmann::json ihpa;                  ///< the IHPA object as the apiserver returned it
    std::optional<nlohmann::json> hpa;    ///< the HPA `ihpa-<name>`, if it exists
    /// The live pods of the scale target (by its selector); nullopt when the target was not
    /// found.
    std::optional<std::vector<ObservedPod>> pods;
    /// The scale target's pod selector (its Scale's `status.selector`); nullopt when the
    /// target was not found.
    std::optional<std::string> target_selector;
    std::map<std::string, ForecastStatus> forecasts; ///< by metric key; absent: not yet known
    SourceCatalog catalog;
    std::chrono::system_clock::time_point now;
};

/// What to do with the HPA.
enum class HpaAction {
    None,   ///< in sync, not ours, or being deleted: no write
    Create, ///< create `ReconcileResult::hpa`
    Update  ///< replace the HPA with `ReconcileResult::hpa` (it holds the resourceVersion)
};

/// A Kubernetes event to record on the IHPA.
struct Event {
    std::string type;   ///< Normal or Warning
    std::string reason; ///< CamelCase
    std::string message;
    bool operator==(const Event&) const = default;
};

/// The reconciler's decision.
struct ReconcileResult {
    HpaAction action = HpaAction::None;
    nlohmann::json hpa;                   ///< the object to create or update
    std::optional<nlohmann::json> status; ///< the new `status`; nullopt: do not write it
    std::vector<Event> events;
    /// The forecast series this IHPA needs registered (those with a source); empty when it is
    /// being deleted or invalid.
    std::vector<DesiredForecast> forecasts;
    /// When the IHPA's schedules next open or close a window: reconcile it again then.
    std::optional<std::chrono::system_clock::time_point> next_schedule_change;
};

/// Decides one IHPA (design.md, "CRD"): the HPA `ihpa-<name>` (the template plus, in `Auto`
/// mode, one `ihpa-forecast` entry per metric whose forecast is servable; `Utilization`
/// targets become `AverageValue` = pct × mean live-pod request sum), whether to write it
/// (absent: create; ours and different: update; not ours: refuse; being deleted: wait), the
/// status (observedGeneration, conditions Ready, ForecastReady, Degraded and ScalingActive
/// (the HPA's), replicas, per-metric status) and events for conditions that changed. An IHPA
/// being deleted gets nothing (the garbage collector removes the HPA); an invalid one keeps its
/// HPA untouched and reports why.
[[nodiscard]] ReconcileResult reconcile(const ReconcileInput& input);

} // namespace ihpa::controller
