#pragma once

#include <chrono>
#include <expected>
#include <string>

namespace ihpa::cli {

/// The value of the duration flag `flag` (Kubernetes syntax: `500ms`, `30s`, `1h30m`), or an
/// error naming the flag. It must be longer than 0s, or not negative when `zero_allowed`.
[[nodiscard]] std::expected<std::chrono::milliseconds, std::string>
duration_flag(const char* flag, const std::string& text, bool zero_allowed = false);

} // namespace ihpa::cli
