#pragma once

#include "simulate/error.hpp"

#include <cstdint>
#include <expected>
#include <string_view>

namespace ihpa::simulate {

/// Parses a Kubernetes-style (Go `time.ParseDuration`) duration such as `15s`, `5m`, `1h30m`
/// or `1.5h` into whole seconds (the syntax of `common::parse_duration`). The result must be a
/// positive whole number of seconds, otherwise the error says why.
[[nodiscard]] std::expected<std::int64_t, SimulateError> parse_duration(std::string_view text);

/// Formats whole seconds the way Kubernetes prints durations: `1h30m0s` → `1h30m`, `15s`, `5m`.
[[nodiscard]] std::string format_duration(std::int64_t seconds);

} // namespace ihpa::simulate
