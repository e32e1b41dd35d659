#pragma once

#include "adapter/serving/forecast_registry.hpp"

#include <chrono>
#include <string>

namespace ihpa::adapter {

/// The adapter's `/metrics` families in Prometheus text format: per forecast (label
/// `forecast` = its registry id, `metric` = its wire name) the latest value, the points in its
/// history window, the value last served, the data age, the serving state (one-hot
/// `ihpa_forecast_state{state=...}`), the model in use, the live relMAE and band coverage; per
/// source whether its last poll succeeded, its errors and backfilled points.
[[nodiscard]] std::string render_adapter_metrics(const ForecastRegistry& registry,
                                                 std::chrono::system_clock::time_point now);

} // namespace ihpa::adapter
