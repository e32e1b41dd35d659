#include "backtest/forecast_csv.hpp"

#include "common/csv.hpp"
#include "common/file.hpp"
#include "common/number_text.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

namespace ihpa::backtest {
namespace {

constexpr std::string_view kHeader = "origin,horizon,yhat,lower,upper";

BacktestError line_error(const std::filesystem::path& path, std::size_t line,
                         const std::string& what)
{
    return BacktestError{common::file_location(path, line) + ": " + what};
}

std::string pair_text(Eigen::Index origin, std::int64_t horizon)
{
    return "(origin=" + std::to_string(origin) + ", horizon=" + std::to_string(horizon) + ")";
}

/// Index of `horizon` in kHorizons, if it is one.
std::optional<std::size_t> horizon_index(std::int64_t horizon)
{
    const auto* found = std::find(kHorizons.begin(), kHorizons.end(), horizon);
    if (found == kHorizons.end()) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(found - kHorizons.begin());
}

} // namespace

std::string format_forecast_csv(const TraceForecasts& forecasts)
{
    std::string text(kHeader);
    text += '\n';
    for (std::size_t k = 0; k < forecasts.origins.size(); ++k) {
        for (std::size_t j = 0; j < kHorizons.size(); ++j) {
            const auto& point = forecasts.points[k][j];
            text += std::to_string(forecasts.origins[k]) + ',' + std::to_string(kHorizons[j]) +
                    ',' + common::shortest_text(point.yhat) + ',' + common::shortest_text(point.lower) +
                    ',' + common::shortest_text(point.upper) + '\n';
        }
    }
    return text;
}

std::expected<void, BacktestError> write_forecast_csv(const std::filesystem::path& path,
                                                      const TraceForecasts& forecasts)
{
    return with_backtest_error(common::write_file(path, format_forecast_csv(forecasts)));
}

std::expected<TraceForecasts, BacktestError> parse_forecast_csv(
    std::string_view text, const std::filesystem::path& path,
    const std::vector<Eigen::Index>& origins)
{
    const auto rows = common::split_csv(text);
    if (rows.empty()) {
        return std::unexpected(BacktestError{path.string() + ": empty file"});
    }
    if (rows.front().joined() != kHeader) {
        return std::unexpected(line_error(path, 1,
                                          "header must be origin,horizon,yhat,lower,upper (got \"" +
                                              rows.front().joined() + "\")"));
    }
    TraceForecasts forecasts{origins, std::vector<std::array<ForecastPoint, kHorizons.size()>>(
                                          origins.size())};
    std::vector<std::array<bool, kHorizons.size()>> seen(origins.size());
    std::size_t seen_count = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (row.blank()) {
            continue;
        }
        if (row.fields.size() != 5) {
            return std::unexpected(line_error(
                path, row.line, "expected 5 fields, got " + std::to_string(row.fields.size())));
        }
        const auto origin = common::parse_int64(row.fields[0]);
        const auto horizon = common::parse_int64(row.fields[1]);
        if (!origin || !horizon) {
            return std::unexpected(line_error(path, row.line, "origin/horizon must be integers"));
        }
        std::array<double, 3> values{};
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto value = common::parse_number(row.fields[2 + i]);
            if (!value) {
                return std::unexpected(
                    line_error(path, row.line, "yhat/lower/upper must be numbers"));
            }
            values[i] = *value;
        }
        if (!std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); })) {
            return std::unexpected(line_error(path, row.line, "NaN or infinite value"));
        }
        const auto* found = std::lower_bound(origins.data(), origins.data() + origins.size(),
                                             *origin);
        const auto j = horizon_index(*horizon);
        const bool expected = found != origins.data() + origins.size() && *found == *origin && j;
        const auto k = static_cast<std::size_t>(found - origins.data());
        if (expected && seen[k][*j]) {
            return std::unexpected(
                line_error(path, row.line, "duplicate " + pair_text(*origin, *horizon)));
        }
        if (!expected) {
            return std::unexpected(
                line_error(path, row.line, "unexpected " + pair_text(*origin, *horizon)));
        }
        const ForecastPoint point{values[0], values[1], values[2]};
        if (point.lower > point.upper) {
            return std::unexpected(line_error(path, row.line,
                                              "lower > upper (" + common::shortest_text(point.lower) +
                                                  " > " + common::shortest_text(point.upper) + ")"));
        }
        forecasts.points[k][*j] = point;
        seen[k][*j] = true;
        ++seen_count;
    }
    const std::size_t wanted = origins.size() * kHorizons.size();
    if (seen_count < wanted) {
        std::ostringstream examples;
        std::size_t listed = 0;
        for (std::size_t k = 0; k < origins.size() && listed < 5; ++k) {
            for (std::size_t j = 0; j < kHorizons.size() && listed < 5; ++j) {
                if (!seen[k][j]) {
                    examples << (listed++ == 0 ? "" : ", ") << "(" << origins[k] << ", "
                             << kHorizons[j] << ")";
                }
            }
        }
        return std::unexpected(BacktestError{
            path.string() + ": " + std::to_string(wanted - seen_count) +
            " missing (origin, horizon) pairs, e.g. [" + examples.str() + "]"});
    }
    return forecasts;
}

std::expected<TraceForecasts, BacktestError> read_forecast_csv(
    const std::filesystem::path& path, const std::vector<Eigen::Index>& origins)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return std::unexpected(BacktestError{path.string() + ": missing forecast file"});
    }
    const auto text = with_backtest_error(common::read_file(path));
    if (!text) {
        return std::unexpected(text.error());
    }
    return parse_forecast_csv(*text, path, origins);
}

} // namespace ihpa::backtest
