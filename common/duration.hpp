#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

namespace ihpa::common {

/// Parses a Go-style (`time.ParseDuration`) duration as Kubernetes objects and our flags and
/// configuration write them: a sequence of `<number><unit>` with units `ms`, `s`, `m`, `h` and
/// also `d` (24 h) for retention periods, e.g. `15s`, `1h30m`, `1.5h`, `14d`, `250ms`. Fractions
/// are allowed; the result is rounded to whole milliseconds and must be >= 0. The error says
/// why the text was rejected ("empty", "missing unit after ...", "unknown unit ...", ...).
[[nodiscard]] std::expected<std::chrono::milliseconds, std::string>
parse_duration(std::string_view text);

/// Formats a non-negative duration the way Kubernetes prints it, without zero parts:
/// `1h30m`, `15s`, `5m`, `1h1m1s`, `250ms`, `0s`. Days are printed as hours (`336h`).
[[nodiscard]] std::string format_duration(std::chrono::milliseconds duration);

} // namespace ihpa::common
