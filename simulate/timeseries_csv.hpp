#pragma once

#include "simulate/comparison.hpp"

#include <string>

namespace ihpa::simulate {

/// The sync-by-sync time series of a comparison as CSV, one row per sync:
/// `timestamp,demand,observed,forecast,forecast_lower,forecast_upper,oracle_forecast,`
/// `reactive_replicas,reactive_ready,predictive_replicas,predictive_ready,oracle_replicas,`
/// `oracle_ready`. Workload columns are totals; forecast columns are what the predictive and
/// oracle HPAs read at that sync.
[[nodiscard]] std::string timeseries_csv(const Comparison& comparison);

} // namespace ihpa::simulate
