#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ihpa::apiserver {

/// Parses a base-10 int64 the way Go's `strconv.ParseInt(text, 10, 64)` does (optional sign,
/// digits only, in range), as Kubernetes' label selector and Quantity parsers rely on it.
[[nodiscard]] std::optional<std::int64_t> parse_int64(std::string_view text);

} // namespace ihpa::apiserver
