#pragma once

#include "model/series.hpp"

#include <cstdint>

namespace ihpa::simulate {

// How the simulation replays a trace (read by backtest/trace_csv) as load and as metric.

/// Timestamp of the last sample.
[[nodiscard]] std::int64_t end_time(const model::Series& series);

/// The load that arrives at time `t` (seconds): the linear interpolation between the samples
/// around `t`, held flat before the first and after the last sample.
[[nodiscard]] double load_at(const model::Series& series, double t);

/// What a scraper shows at `now`: the latest sample with timestamp <= `now` (the first sample
/// before the trace starts).
[[nodiscard]] double observed_at(const model::Series& series, std::int64_t now);

/// Number of samples with timestamp <= `now` (0 before the trace starts).
[[nodiscard]] Eigen::Index samples_until(const model::Series& series, std::int64_t now);

} // namespace ihpa::simulate
