#pragma once

#include "common/seasonality.hpp"

#include <Eigen/Core>

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace ihpa::backtest {

/// What `ihpa backtest` was asked to do. Exactly one of `traces_dir` / `trace_file` is set.
/// Forecast mode (default) needs `out_dir`; `score_only` needs `forecasts_dir` instead.
struct BacktestOptions {
    std::optional<std::filesystem::path> traces_dir; ///< every *.csv in it is a trace
    std::optional<std::filesystem::path> trace_file; ///< a single trace
    std::optional<std::filesystem::path> out_dir;    ///< forecast mode: NAME.csv + timings.csv
    bool score_only = false;                         ///< score existing forecasts, fit nothing
    std::optional<std::filesystem::path> forecasts_dir; ///< score-only: NAME.csv [+ timings.csv]
    std::string model = "auto";                      ///< a name of model::forecaster_names()
    common::SeasonalPeriods seasonality;             ///< detected (nullopt), none or these periods
    unsigned jobs = 1;                               ///< worker threads, >= 1
    Eigen::Index every = 1;                          ///< every-th BT1 origin only (1: BT1)
    std::optional<std::filesystem::path> json_path;  ///< also write the scores as JSON here
};

/// Exit statuses of `run_backtest`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;        ///< bad options, traces or files: nothing scored
inline constexpr int kExitInvalidForecast = 2; ///< some trace has no valid forecasts

/// Runs the backtest (or only the scoring) described by `options`: reads and validates the
/// traces, forecasts every BT1 origin with the model and writes the forecast files and
/// `timings.csv` (forecast mode) or reads and validates existing forecast files (score-only),
/// then prints the BT1 score table on `out`. Every problem goes to `err` as one precise line
/// naming the file (and line) or trace concerned. Returns the exit status.
[[nodiscard]] int run_backtest(const BacktestOptions& options, std::ostream& out,
                               std::ostream& err);

} // namespace ihpa::backtest
