#pragma once

#include "simulate/simulation.hpp"

#include <cstdint>
#include <span>

namespace ihpa::simulate {

/// Cost and shortfall of one side over a run.
struct SideMetrics {
    /// ∫ max(0, demand / capacity - ready pods) dt in pod-minutes: the capacity missing.
    double under_provisioned_pod_minutes = 0.0;
    /// Minutes during which demand exceeded ready capacity.
    double under_provisioned_minutes = 0.0;
    /// ∫ pods dt in hours, not-ready pods included (they are paid for).
    double replica_hours = 0.0;
    int peak_replicas = 0; ///< most pods at once
    int scale_events = 0;  ///< syncs that changed the replica count
};

/// Integrates `ticks` (each lasting `sync_seconds`, its demand and pods constant over it)
/// with a pod serving `per_pod_capacity` (> 0).
[[nodiscard]] SideMetrics measure(std::span<const Tick> ticks, double per_pod_capacity,
                                  std::int64_t sync_seconds);

/// Relative change of `value` against `baseline` in percent (0 when both are 0, +inf when
/// only the baseline is 0).
[[nodiscard]] double percent_change(double value, double baseline);

} // namespace ihpa::simulate
