#include "simulate/comparison.hpp"

namespace ihpa::simulate {
namespace {

SideRun run_side(const model::Series& trace, const SimulationSettings& settings, ForecastSource* forecast)
{
    SideRun run;
    run.ticks = simulate_side(trace, settings, forecast);
    run.metrics = measure(run.ticks, settings.per_pod_capacity, settings.sync_seconds);
    return run;
}

} // namespace

Comparison run_comparison(const model::Series& trace, const SimulationSettings& settings,
                          ForecastSource& predictive, ForecastSource& oracle)
{
    return Comparison{run_side(trace, settings, nullptr), run_side(trace, settings, &predictive),
                      run_side(trace, settings, &oracle)};
}

} // namespace ihpa::simulate
