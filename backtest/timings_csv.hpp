#pragma once

#include "backtest/bt1_score.hpp"
#include "backtest/error.hpp"

#include <expected>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace ihpa::backtest {

/// The file name of the timings beside a set of forecast files.
inline constexpr std::string_view kTimingsFile = "timings.csv";

/// The `timings.csv` text: header `trace,seconds,origins`, one row per trace in name order,
/// seconds in their shortest round-trip form.
[[nodiscard]] std::string format_timings_csv(const std::map<std::string, TraceTiming>& timings);

/// Parses a `timings.csv` named `path`: the header names at least the columns `trace`,
/// `seconds` and `origins` (in any order; others such as `note` are ignored). Errors name
/// `path` and the line.
[[nodiscard]] std::expected<std::map<std::string, TraceTiming>, BacktestError>
parse_timings_csv(std::string_view text, const std::filesystem::path& path);

/// Reads `dir/timings.csv` when it exists; an empty map when it does not.
[[nodiscard]] std::expected<std::map<std::string, TraceTiming>, BacktestError>
read_timings_csv(const std::filesystem::path& dir);

} // namespace ihpa::backtest
