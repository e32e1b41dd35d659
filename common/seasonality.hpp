#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::common {

/// Seasonal periods as the user sets them (design.md's `seasonality`): nullopt = detect them
/// (`auto`), an empty list = non-seasonal (`none`), otherwise durations in seconds, strongest
/// first.
using SeasonalPeriods = std::optional<std::vector<std::int64_t>>;

/// Parses a seasonality setting: `auto`, `none`, `daily` (1 day), `weekly` (7 days) or a
/// comma-separated list of durations in whole seconds (`parse_duration` syntax, e.g. `1d,7d`
/// or `1h`). The error says what was expected and which item was rejected.
[[nodiscard]] std::expected<SeasonalPeriods, std::string> parse_seasonality(std::string_view text);

/// The setting written back in the syntax `parse_seasonality` reads (`auto`, `none`, `1d,7d`).
[[nodiscard]] std::string format_seasonality(const SeasonalPeriods& periods);

} // namespace ihpa::common
