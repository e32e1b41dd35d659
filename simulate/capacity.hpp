#pragma once

#include "model/series.hpp"
#include "simulate/error.hpp"

#include <expected>

namespace ihpa::simulate {

/// The `q`-quantile (0..1) of the trace's values, linear interpolation between order
/// statistics (the "type 7" definition of R and numpy).
[[nodiscard]] double trace_quantile(const model::Series& trace, double q);

/// The per-pod capacity at which the trace's `q`-quantile needs exactly `pods` pods:
/// quantile / pods. Fails when that quantile is not positive (no capacity makes sense).
[[nodiscard]] std::expected<double, SimulateError> capacity_for_quantile(const model::Series& trace,
                                                                       double q, int pods);

} // namespace ihpa::simulate
