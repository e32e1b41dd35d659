#pragma once

#include "adapter/history/history_log.hpp"
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

/// The history log's `/metrics` families (`ihpa_wal_*`): records appended, failed appends,
/// bytes and seconds spent appending (write + fdatasync) since start, segments on disk, and what
/// the replay at start did (segments read, points replayed and skipped, segments torn or set
/// aside).
[[nodiscard]] std::string render_log_metrics(const LogStats& stats, const LogReplay& replay);

} // namespace ihpa::adapter
