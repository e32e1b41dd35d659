#include "backtest/timings_csv.hpp"

#include "common/csv.hpp"
#include "common/file.hpp"
#include "common/number_text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <system_error>

namespace ihpa::backtest {

std::string format_timings_csv(const std::map<std::string, TraceTiming>& timings)
{
    std::string text = "trace,seconds,origins\n";
    for (const auto& [name, timing] : timings) {
        text += name + ',' + common::shortest_text(timing.seconds) + ',' +
                std::to_string(timing.origins) + '\n';
    }
    return text;
}

std::expected<std::map<std::string, TraceTiming>, BacktestError>
parse_timings_csv(std::string_view text, const std::filesystem::path& path)
{
    const auto rows = common::split_csv(text);
    constexpr std::array<std::string_view, 3> kColumns{"trace", "seconds", "origins"};
    std::array<std::size_t, 3> column{};
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
        const auto& header = rows.empty() ? std::vector<std::string_view>{} : rows[0].fields;
        const auto found = std::find(header.begin(), header.end(), kColumns[c]);
        if (found == header.end()) {
            return std::unexpected(
                BacktestError{common::file_location(path, 1) +
                              ": header must name the columns trace,seconds,origins"});
        }
        column[c] = static_cast<std::size_t>(found - header.begin());
    }
    const std::size_t width = rows[0].fields.size();
    std::map<std::string, TraceTiming> timings;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (row.blank()) {
            continue;
        }
        const auto where = common::file_location(path, row.line) + ": ";
        if (row.fields.size() != width) {
            return std::unexpected(BacktestError{where + "expected " + std::to_string(width) +
                                                 " fields, got " +
                                                 std::to_string(row.fields.size())});
        }
        const auto seconds = common::parse_number(row.fields[column[1]]);
        const auto origins = common::parse_int64(row.fields[column[2]]);
        if (!seconds || !std::isfinite(*seconds) || *seconds < 0.0 || !origins || *origins < 0) {
            return std::unexpected(BacktestError{
                where + "seconds must be a finite number >= 0 and origins an integer >= 0"});
        }
        timings[std::string(row.fields[column[0]])] =
            TraceTiming{*seconds, static_cast<Eigen::Index>(*origins)};
    }
    return timings;
}

std::expected<std::map<std::string, TraceTiming>, BacktestError>
read_timings_csv(const std::filesystem::path& dir)
{
    const auto path = dir / kTimingsFile;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return std::map<std::string, TraceTiming>{};
    }
    const auto text = with_backtest_error(common::read_file(path));
    if (!text) {
        return std::unexpected(text.error());
    }
    return parse_timings_csv(*text, path);
}

} // namespace ihpa::backtest
