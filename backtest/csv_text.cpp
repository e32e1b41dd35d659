#include "backtest/csv_text.hpp"

#include <charconv>
#include <limits>

namespace ihpa::backtest {
namespace {

std::string_view trim(std::string_view field)
{
    constexpr std::string_view kBlanks = " \t\r";
    const auto first = field.find_first_not_of(kBlanks);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = field.find_last_not_of(kBlanks);
    return field.substr(first, last - first + 1);
}

/// `field` without one leading '+' (from_chars accepts '-' only).
std::string_view strip_plus(std::string_view field)
{
    if (field.size() > 1 && field.front() == '+' && field[1] != '-' && field[1] != '+') {
        field.remove_prefix(1);
    }
    return field;
}

} // namespace

bool CsvRow::blank() const
{
    for (const auto field : fields) {
        if (!field.empty()) {
            return false;
        }
    }
    return true;
}

std::string CsvRow::joined() const
{
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        out += i == 0 ? "" : ",";
        out += fields[i];
    }
    return out;
}

std::vector<CsvRow> split_csv(std::string_view text)
{
    std::vector<CsvRow> rows;
    std::size_t line = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto content = text.substr(0, end);
        CsvRow row{++line, {}};
        std::size_t start = 0;
        while (true) {
            const auto comma = content.find(',', start);
            row.fields.push_back(trim(content.substr(start, comma - start)));
            if (comma == std::string_view::npos) {
                break;
            }
            start = comma + 1;
        }
        rows.push_back(std::move(row));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return rows;
}

std::optional<std::int64_t> parse_integer(std::string_view field)
{
    field = strip_plus(field);
    std::int64_t value = 0;
    const auto* end = field.data() + field.size();
    const auto [ptr, ec] = std::from_chars(field.data(), end, value);
    if (field.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parse_number(std::string_view field)
{
    field = strip_plus(field);
    double value = 0.0;
    const auto* end = field.data() + field.size();
    const auto [ptr, ec] = std::from_chars(field.data(), end, value);
    if (field.empty() || ptr != end) {
        return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range) {
        // Python's float() gives +-inf for "1e999" and 0.0 for "1e-999"; from_chars gives up.
        const auto e = field.find_first_of("eE");
        const bool tiny =
            e != std::string_view::npos && field.find('-', e) != std::string_view::npos;
        const bool negative = field.front() == '-';
        return tiny ? 0.0 : (negative ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();
    }
    if (ec != std::errc{}) {
        return std::nullopt;
    }
    return value;
}

std::string format_round_trip(double value)
{
    char buffer[32]; // the shortest form of any double has at most 24 characters
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string file_location(const std::filesystem::path& path, std::size_t line)
{
    return line > 0 ? path.string() + ":" + std::to_string(line) : path.string();
}

} // namespace ihpa::backtest
