#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace ihpa::common {

/// Reads the whole file. The error names the file and the system's reason, e.g.
/// `traces/web.csv: cannot open file (No such file or directory)`.
[[nodiscard]] std::expected<std::string, std::string> read_file(const std::filesystem::path& path);

/// Replaces the file at `path` with `text`; the error names the file and the system's reason.
[[nodiscard]] std::expected<void, std::string> write_file(const std::filesystem::path& path,
                                                          std::string_view text);

} // namespace ihpa::common
