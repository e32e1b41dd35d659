#pragma once

#include "backtest/error.hpp"
#include "backtest/trace_csv.hpp"

#include <expected>
#include <filesystem>
#include <vector>

namespace ihpa::backtest {

/// The trace files of a set: every `*.csv` directly in `dir`, sorted by name. Errors when `dir`
/// is not a readable directory or holds no `.csv` file.
[[nodiscard]] std::expected<std::vector<std::filesystem::path>, BacktestError> list_trace_files(
    const std::filesystem::path& dir);

/// Reads and validates every file of `paths`, in order. Errors list the message of every bad
/// file, one per line.
[[nodiscard]] std::expected<std::vector<Trace>, BacktestError> read_traces(
    const std::vector<std::filesystem::path>& paths);

} // namespace ihpa::backtest
