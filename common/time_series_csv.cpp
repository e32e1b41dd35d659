#include "common/time_series_csv.hpp"

#include "common/csv.hpp"
#include "common/number_text.hpp"

#include <cmath>
#include <optional>

namespace ihpa::common {
namespace {

std::string line_error(const std::filesystem::path& path, std::size_t line, const std::string& what)
{
    return file_location(path, line) + ": " + what;
}

/// A timestamp field as whole unix seconds: an integer, or a number with no fractional part.
std::optional<std::int64_t> parse_timestamp(std::string_view field)
{
    if (const auto integer = parse_int64(field)) {
        return integer;
    }
    const auto number = parse_number(field);
    // 2^62 bounds the conversion; real timestamps are around 2^31.
    if (!number || !std::isfinite(*number) || std::floor(*number) != *number ||
        std::fabs(*number) > 4.6e18) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(*number);
}

} // namespace

std::int64_t TimeSeriesCsv::step_seconds() const
{
    return times.size() < 2 ? 0 : times[1] - times[0];
}

std::expected<TimeSeriesCsv, std::string> parse_time_series_csv(std::string_view text,
                                                                const std::filesystem::path& path)
{
    const auto rows = split_csv(text);
    if (rows.empty()) {
        return std::unexpected(
            line_error(path, 1, "empty file, expected the header timestamp,value"));
    }
    const auto& header = rows.front();
    if (header.joined() != "timestamp,value") {
        return std::unexpected(line_error(
            path, 1, "header must be timestamp,value (got \"" + header.joined() + "\")"));
    }
    TimeSeriesCsv series;
    std::vector<std::size_t> lines;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (row.blank()) {
            continue;
        }
        if (row.fields.size() != 2) {
            return std::unexpected(line_error(path, row.line,
                                              "expected 2 fields (timestamp,value), got " +
                                                  std::to_string(row.fields.size())));
        }
        const auto time = parse_timestamp(row.fields[0]);
        if (!time) {
            return std::unexpected(line_error(path, row.line,
                                              "timestamp \"" + std::string(row.fields[0]) +
                                                  "\" is not a whole number of unix seconds"));
        }
        const auto value = parse_number(row.fields[1]);
        if (!value) {
            return std::unexpected(line_error(
                path, row.line, "value \"" + std::string(row.fields[1]) + "\" is not a number"));
        }
        if (!std::isfinite(*value)) {
            return std::unexpected(line_error(
                path, row.line, "value \"" + std::string(row.fields[1]) + "\" is not finite"));
        }
        const auto& times = series.times;
        if (!times.empty()) {
            const std::int64_t previous = times.back();
            if (*time <= previous) {
                return std::unexpected(line_error(
                    path, row.line,
                    "timestamp " + std::to_string(*time) + " is not after the previous one (" +
                        std::to_string(previous) + ", line " + std::to_string(lines.back()) + ")"));
            }
            const std::int64_t step = *time - previous;
            if (times.size() >= 2 && step != series.step_seconds()) {
                return std::unexpected(line_error(
                    path, row.line,
                    "step of " + std::to_string(step) + " s after line " +
                        std::to_string(lines.back()) + " differs from the trace's step of " +
                        std::to_string(series.step_seconds()) + " s (lines " +
                        std::to_string(lines[0]) + "-" + std::to_string(lines[1]) +
                        "); a trace has one point per step, no gaps"));
            }
        }
        series.times.push_back(*time);
        series.values.push_back(*value);
        lines.push_back(row.line);
    }
    return series;
}

} // namespace ihpa::common
