#include "backtest/trace_csv.hpp"

#include "backtest/bt1_protocol.hpp"
#include "backtest/csv_text.hpp"
#include "backtest/text_file.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace ihpa::backtest {
namespace {

BacktestError line_error(const std::filesystem::path& path, std::size_t line,
                         const std::string& what)
{
    return BacktestError{file_location(path, line) + ": " + what};
}

/// A timestamp field as whole unix seconds: an integer, or a number with no fractional part.
std::optional<std::int64_t> parse_timestamp(std::string_view field)
{
    if (const auto integer = parse_integer(field)) {
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

std::expected<Trace, BacktestError> parse_trace_csv(std::string_view text,
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
    std::vector<std::int64_t> times;
    std::vector<double> values;
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
        if (!times.empty()) {
            const std::int64_t previous = times.back();
            if (*time <= previous) {
                return std::unexpected(line_error(
                    path, row.line,
                    "timestamp " + std::to_string(*time) + " is not after the previous one (" +
                        std::to_string(previous) + ", line " + std::to_string(lines.back()) + ")"));
            }
            const std::int64_t step = *time - previous;
            if (times.size() >= 2 && step != times[1] - times[0]) {
                return std::unexpected(line_error(
                    path, row.line,
                    "step of " + std::to_string(step) + " s after line " +
                        std::to_string(lines.back()) + " differs from the trace's step of " +
                        std::to_string(times[1] - times[0]) + " s (lines " +
                        std::to_string(lines[0]) + "-" + std::to_string(lines[1]) +
                        "); BT1 needs one point per step, no gaps"));
            }
        }
        times.push_back(*time);
        values.push_back(*value);
        lines.push_back(row.line);
    }
    const auto n = static_cast<Eigen::Index>(values.size());
    if (n < min_trace_points()) {
        return std::unexpected(BacktestError{
            path.string() + ": too few points (" + std::to_string(n) + "); BT1 needs at least " +
            std::to_string(min_trace_points()) + " for one forecast origin"});
    }
    Trace trace;
    trace.name = path.stem().string();
    trace.path = path;
    trace.series.start = times.front();
    trace.series.step_seconds = times[1] - times[0];
    trace.series.values = Eigen::Map<const Eigen::VectorXd>(values.data(), n);
    return trace;
}

std::expected<Trace, BacktestError> read_trace_csv(const std::filesystem::path& path)
{
    const auto text = read_text_file(path);
    if (!text) {
        return std::unexpected(text.error());
    }
    return parse_trace_csv(*text, path);
}

} // namespace ihpa::backtest
