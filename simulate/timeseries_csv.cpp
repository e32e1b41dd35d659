#include "simulate/timeseries_csv.hpp"

#include "common/number_text.hpp"

#include <cassert>

namespace ihpa::simulate {

using common::shortest_text;

std::string timeseries_csv(const Comparison& comparison)
{
    const auto& reactive = comparison.reactive.ticks;
    const auto& predictive = comparison.predictive.ticks;
    const auto& oracle = comparison.oracle.ticks;
    assert(reactive.size() == predictive.size() && reactive.size() == oracle.size());
    std::string out = "timestamp,demand,observed,forecast,forecast_lower,forecast_upper,oracle_forecast,"
                      "reactive_replicas,reactive_ready,predictive_replicas,predictive_ready,"
                      "oracle_replicas,oracle_ready\n";
    for (std::size_t i = 0; i < reactive.size(); ++i) {
        const Tick& p = predictive[i];
        out += std::to_string(p.time) + ',' + shortest_text(p.demand) + ',' + shortest_text(p.observed) + ',' +
               shortest_text(p.forecast.value) + ',' + shortest_text(p.forecast.lower) + ',' +
               shortest_text(p.forecast.upper) + ',' + shortest_text(oracle[i].forecast.value) + ',' +
               std::to_string(reactive[i].replicas) + ',' + std::to_string(reactive[i].ready) + ',' +
               std::to_string(p.replicas) + ',' + std::to_string(p.ready) + ',' +
               std::to_string(oracle[i].replicas) + ',' + std::to_string(oracle[i].ready) + '\n';
    }
    return out;
}

} // namespace ihpa::simulate
