#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::common {

/// The points of a `timestamp,value` CSV text: unix-second timestamps strictly increasing by
/// one constant step (no gaps), finite values.
struct TimeSeriesCsv {
    std::vector<std::int64_t> times;
    std::vector<double> values;

    /// The constant step in seconds; 0 when there are fewer than two points.
    [[nodiscard]] std::int64_t step_seconds() const;
};

/// Parses and validates the text of a `timestamp,value` file named `path` (used in messages).
/// A timestamp is an integer or a number with no fractional part. Blank lines are skipped.
/// Every error names `path` and the line at fault, e.g.
/// `web.csv:9: timestamp 1200 is not after the previous one (1500, line 8)`. An empty series
/// (a header only) is not an error here: each reader sets its own minimum.
[[nodiscard]] std::expected<TimeSeriesCsv, std::string> parse_time_series_csv(
    std::string_view text, const std::filesystem::path& path);

} // namespace ihpa::common
