#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::common {

/// One line of a CSV text: its 1-based line number and its comma-separated fields, each trimmed
/// of surrounding white space (a trailing carriage return included). The views point into the
/// text the row was split from. Quoting is not supported: our CSV files never quote.
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

/// `path` followed by `:line` when `line` > 0, the prefix of every file message.
[[nodiscard]] std::string file_location(const std::filesystem::path& path, std::size_t line);

} // namespace ihpa::common
