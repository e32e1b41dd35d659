#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::backtest {

/// One line of a CSV text: its 1-based line number and its comma-separated fields, each trimmed
/// of surrounding blanks (spaces, tabs, a trailing carriage return). The views point into the
/// text the row was split from. Quoting is not supported: the BT1 files never quote.
struct CsvRow {
    std::size_t line = 0;
    std::vector<std::string_view> fields;

    /// True when every field is empty (an empty line, or one of blanks and commas only).
    [[nodiscard]] bool blank() const;
    /// The fields joined by commas, for messages.
    [[nodiscard]] std::string joined() const;
};

/// Splits `text` into one row per line (a final newline does not start a row).
[[nodiscard]] std::vector<CsvRow> split_csv(std::string_view text);

/// Parses a whole field as a decimal integer (an optional sign, digits); nullopt otherwise.
[[nodiscard]] std::optional<std::int64_t> parse_integer(std::string_view field);

/// Parses a whole field as a floating-point number as Python's `float()` does for the forms
/// the BT1 files use (decimal or exponent notation, optional sign, `nan`, `inf`); nullopt when
/// the field is not a number. Non-finite results are returned, not rejected.
[[nodiscard]] std::optional<double> parse_number(std::string_view field);

/// The shortest decimal text that reads back as exactly `value` (round-trip).
[[nodiscard]] std::string format_round_trip(double value);

/// `path` followed by `:line` when `line` > 0, the prefix of every file message.
[[nodiscard]] std::string file_location(const std::filesystem::path& path, std::size_t line);

} // namespace ihpa::backtest
