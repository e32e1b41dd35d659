#pragma once

#include "schedule/floor_schedule.hpp"

#include "simulate/behavior.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace ihpa::simulate {

/// One `External` metric entry with an `AverageValue` target, as the HPA reads it at a sync:
/// the workload total (sum of the metric's items) and the per-pod target.
struct MetricReading {
    double total = 0.0;          ///< usage, >= 0
    double target_per_pod = 1.0; ///< `target.averageValue`, > 0
};

/// The parts of an HPA spec the controller step needs.
struct HpaSpec {
    int min_replicas = 1;   ///< >= 1
    int max_replicas = 100; ///< >= min_replicas
    Behavior behavior = default_behavior();
    /// Scheduled floors (an IHPA's `spec.schedules`): while a window is open, minReplicas is at
    /// least its floor (the largest open one), up to max_replicas.
    std::vector<schedule::ScheduledFloor> floors;
};

/// What one sync decided.
struct HpaDecision {
    int metric_replicas = 0; ///< max over the metrics' proposals, before stabilisation and limits
    int desired_replicas = 0; ///< the new spec.replicas
    /// True when desired differs from the current replicas (the controller rescales).
    [[nodiscard]] bool rescaled(int current_replicas) const { return desired_replicas != current_replicas; }
};

/// ceil(total / target_per_pod) as the controller computes it on exact milli-unit integers:
/// a quotient within 1e-9 (relative) of an integer counts as that integer, so floating-point
/// noise (2.1 / 0.7 = 3.0000000000000004) does not add a replica. `target_per_pod` > 0.
[[nodiscard]] int ceil_replicas(double total, double target_per_pod);

/// Replica count one `AverageValue` metric proposes (GetExternalPerPodMetricReplicas):
/// with ratio = total / (target × current), keep `current` when the ratio is within the
/// tolerances (1 - down <= ratio <= 1 + up), else ceil(total / target). `current` >= 1.
[[nodiscard]] int average_value_replicas(const MetricReading& metric, int current_replicas,
                                         double scale_down_tolerance, double scale_up_tolerance);

/// The HPA controller's reconcile step for one HPA with `External`/`AverageValue` metrics and
/// a `behavior` (pkg/controller/podautoscaler/horizontal.go): min/max clamping, max over
/// metrics, stabilisation windows over past recommendations (up: min over the up window,
/// down: max over the down window), then the scaling policies over past scale events.
/// Keeps the recommendation and scale-event history between calls, as the controller does
/// per HPA. Pure apart from that history: no clock, time is passed in.
class HpaController {
public:
    /// `spec` is valid (min >= 1, max >= min, policies non-empty unless selectPolicy Disabled).
    explicit HpaController(HpaSpec spec);

    /// One sync at `now` (seconds, increasing across calls). `current_replicas` is both
    /// spec.replicas and status.replicas (the simulated ReplicaSet creates pods at once; pods not
    /// yet ready count). `metrics` is non-empty. Records the recommendation and, when the
    /// decision rescales, the scale event.
    [[nodiscard]] HpaDecision sync(std::int64_t now, int current_replicas,
                                   std::span<const MetricReading> metrics);

private:
    struct Recommendation {
        int replicas;
        std::int64_t time;
    };
    struct ScaleEvent {
        int change; ///< > 0
        std::int64_t time;
    };

    int stabilize(std::int64_t now, int current_replicas, int metric_replicas);
    int limit_rate(std::int64_t now, int current_replicas, int stabilized) const;
    void forget_old_history(std::int64_t now);

    HpaSpec spec_;
    int min_now_ = 1; ///< minReplicas at the current sync (the spec's, or a scheduled floor)
    std::vector<Recommendation> recommendations_;
    std::vector<ScaleEvent> scale_up_events_;
    std::vector<ScaleEvent> scale_down_events_;
};

} // namespace ihpa::simulate
