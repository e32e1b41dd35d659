#include "simulate/simulation.hpp"

#include "simulate/pods.hpp"
#include "simulate/trace.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

namespace ihpa::simulate {

std::vector<Tick> simulate_side(const model::Series& trace, const SimulationSettings& settings,
                                ForecastSource* forecast)
{
    const std::int64_t start = trace.start;
    const std::int64_t end = end_time(trace);
    const double capacity = settings.per_pod_capacity;
    const int initial = std::clamp(ceil_replicas(observed_at(trace, start), capacity),
                                   settings.hpa.min_replicas, settings.hpa.max_replicas);
    PodSet pods(initial, settings.pod_startup_seconds);
    HpaController hpa(settings.hpa);
    const double nan = std::nan("");

    std::vector<Tick> ticks;
    ticks.reserve(static_cast<std::size_t>((end - start) / settings.sync_seconds + 1));
    for (std::int64_t now = start; now < end; now += settings.sync_seconds) {
        Tick tick;
        tick.time = now;
        tick.observed = observed_at(trace, now);
        std::array<MetricReading, 2> metrics{MetricReading{tick.observed, capacity},
                                             MetricReading{0.0, capacity}};
        std::span<const MetricReading> read(metrics.data(), 1);
        tick.forecast = ForecastReading{nan, nan, nan};
        if (forecast != nullptr) {
            tick.forecast = forecast->read(now);
            metrics[1].total = tick.forecast.value;
            read = std::span<const MetricReading>(metrics);
        }
        const int current = pods.count();
        const HpaDecision decision = hpa.sync(now, current, read);
        tick.scaled = decision.rescaled(current);
        pods.scale_to(decision.desired_replicas, now);
        const double midpoint = static_cast<double>(now) + static_cast<double>(settings.sync_seconds) / 2.0;
        tick.demand = load_at(trace, midpoint);
        tick.replicas = pods.count();
        tick.ready = pods.ready(now + settings.sync_seconds / 2);
        ticks.push_back(tick);
    }
    return ticks;
}

} // namespace ihpa::simulate
