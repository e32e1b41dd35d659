#pragma once

#include "backtest/error.hpp"
#include "model/series.hpp"

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace ihpa::backtest {

/// A validated BT1 trace: header `timestamp,value`, unix-second timestamps strictly increasing
/// by one constant step, finite values, enough points for at least one BT1 origin.
struct Trace {
    std::string name;           ///< the file name without `.csv`: forecasts are written as NAME.csv
    std::filesystem::path path; ///< where it was read from
    model::Series series;       ///< the points, no gaps
};

/// Parses and validates the text of a trace file named `path` (used in messages and for the
/// trace's name). Blank lines are skipped. Every error names `path`, and the line when one line
/// is at fault, e.g. `web.csv:9: timestamp 1200 is not after the previous one (1500, line 8)`.
[[nodiscard]] std::expected<Trace, BacktestError> parse_trace_csv(
    std::string_view text, const std::filesystem::path& path);

/// Reads and validates the trace file at `path` (see `parse_trace_csv`).
[[nodiscard]] std::expected<Trace, BacktestError> read_trace_csv(
    const std::filesystem::path& path);

} // namespace ihpa::backtest
