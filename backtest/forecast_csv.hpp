#pragma once

#include "backtest/bt1_protocol.hpp"
#include "backtest/error.hpp"

#include <array>
#include <expected>
#include <filesystem>
#include <string_view>
#include <vector>

namespace ihpa::backtest {

/// One forecast: the point forecast and the 10 %/90 % quantile forecasts.
struct ForecastPoint {
    double yhat = 0.0;
    double lower = 0.0;
    double upper = 0.0;
};

/// The forecasts of one trace for every (origin, horizon) pair: `points[k][j]` is the forecast
/// made at `origins[k]` for horizon `kHorizons[j]`. `points.size() == origins.size()`.
struct TraceForecasts {
    std::vector<Eigen::Index> origins;
    std::vector<std::array<ForecastPoint, kHorizons.size()>> points;
};

/// The forecast file text (header `origin,horizon,yhat,lower,upper`, one row per pair, origin
/// major, numbers in their shortest round-trip form).
[[nodiscard]] std::string format_forecast_csv(const TraceForecasts& forecasts);

/// Writes `format_forecast_csv(forecasts)` to `path`; the error names the file.
[[nodiscard]] std::expected<void, BacktestError> write_forecast_csv(
    const std::filesystem::path& path, const TraceForecasts& forecasts);

/// Parses a forecast file named `path` that must hold exactly one row for every pair of
/// `origins` × `kHorizons`, validated as the reference scorer does: the header, 5 fields per
/// row, integer origin and horizon, numeric, finite values, `lower <= upper`, no duplicate,
/// unexpected or missing pair. Blank lines are skipped. Errors name `path` and the line.
[[nodiscard]] std::expected<TraceForecasts, BacktestError> parse_forecast_csv(
    std::string_view text, const std::filesystem::path& path,
    const std::vector<Eigen::Index>& origins);

/// Reads `path` and parses it with `parse_forecast_csv`; a missing file is an error too.
[[nodiscard]] std::expected<TraceForecasts, BacktestError> read_forecast_csv(
    const std::filesystem::path& path, const std::vector<Eigen::Index>& origins);

} // namespace ihpa::backtest
