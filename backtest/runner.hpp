#pragma once

#include "backtest/bt1_score.hpp"
#include "backtest/error.hpp"
#include "backtest/forecast_csv.hpp"
#include "backtest/trace_csv.hpp"
#include "model/forecaster.hpp"

#include <expected>
#include <string>
#include <vector>

namespace ihpa::backtest {

/// The forecasts of one trace and the time its forecasting loop took.
struct TraceRun {
    TraceForecasts forecasts;
    /// Sum over the origins of the wall time of fit + forecast: the time a serial loop takes,
    /// comparable whatever the number of threads (loading and writing files are excluded).
    TraceTiming timing;
    /// The fitted model's description at each origin (as `FitStats::description`), in the
    /// order of `forecasts.origins`.
    std::vector<std::string> models;
};

/// How to run the forecasting loop.
struct RunOptions {
    unsigned jobs = 1;       ///< worker threads (>= 1), shared by all traces and origins
    Eigen::Index every = 1;  ///< keep every `every`-th BT1 origin (1: BT1 itself)
};

/// Fits `forecaster` at every origin `o` of every trace to points 0..o only and forecasts 12
/// steps, keeping horizons 1, 3, 6 and 12. Work is spread over `options.jobs` threads; the
/// result (per trace, in input order) does not depend on it. A trace fails with an error naming
/// the trace and the first origin (in index order) where the model failed, threw, or returned a
/// non-finite forecast or `lower > upper`; the other traces are unaffected.
[[nodiscard]] std::vector<std::expected<TraceRun, BacktestError>> run_forecasts(
    const model::Forecaster& forecaster, const std::vector<Trace>& traces,
    const RunOptions& options);

} // namespace ihpa::backtest
