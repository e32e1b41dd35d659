#include "simulate/metrics.hpp"

#include <algorithm>
#include <limits>

namespace ihpa::simulate {

SideMetrics measure(std::span<const Tick> ticks, double per_pod_capacity, std::int64_t sync_seconds)
{
    SideMetrics m;
    const double minutes = static_cast<double>(sync_seconds) / 60.0;
    for (const Tick& tick : ticks) {
        const double shortfall = tick.demand / per_pod_capacity - tick.ready;
        if (shortfall > 0.0) {
            m.under_provisioned_pod_minutes += shortfall * minutes;
            m.under_provisioned_minutes += minutes;
        }
        m.replica_hours += tick.replicas * minutes / 60.0;
        m.peak_replicas = std::max(m.peak_replicas, tick.replicas);
        m.scale_events += tick.scaled ? 1 : 0;
    }
    return m;
}

double percent_change(double value, double baseline)
{
    if (baseline == 0.0) {
        return value == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
    }
    return (value - baseline) / baseline * 100.0;
}

} // namespace ihpa::simulate
