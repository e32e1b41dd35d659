#pragma once

#include "backtest/error.hpp"

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace ihpa::backtest {

/// Reads the whole file; the error names the file and the system's reason.
[[nodiscard]] std::expected<std::string, BacktestError> read_text_file(
    const std::filesystem::path& path);

/// Replaces the file at `path` with `text`; the error names the file and the system's reason.
[[nodiscard]] std::expected<void, BacktestError> write_text_file(
    const std::filesystem::path& path, std::string_view text);

} // namespace ihpa::backtest
