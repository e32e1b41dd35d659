#include "common/duration.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace ihpa::common {
namespace {

/// Milliseconds per unit at the start of `rest`, and the unit's length; 0 when unknown.
std::pair<double, std::size_t> unit_at(std::string_view rest)
{
    if (rest.starts_with("ms")) {
        return {1.0, 2};
    }
    switch (rest.front()) {
    case 's':
        return {1e3, 1};
    case 'm':
        return {60e3, 1};
    case 'h':
        return {3600e3, 1};
    case 'd':
        return {86400e3, 1};
    default:
        return {0.0, 0};
    }
}

} // namespace

std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text)
{
    if (text.empty()) {
        return std::unexpected("empty");
    }
    double total_ms = 0.0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t number_start = pos;
        while (pos < text.size() &&
               (std::isdigit(static_cast<unsigned char>(text[pos])) != 0 || text[pos] == '.')) {
            ++pos;
        }
        if (pos == number_start) {
            return std::unexpected("expected a number at position " +
                                   std::to_string(number_start + 1));
        }
        const std::string number(text.substr(number_start, pos - number_start));
        if (number == "." || number.find('.') != number.rfind('.')) {
            return std::unexpected("malformed number \"" + number + "\"");
        }
        if (pos == text.size()) {
            return std::unexpected("missing unit after \"" + number + "\" (use ms, s, m, h or d)");
        }
        const auto [unit_ms, unit_length] = unit_at(text.substr(pos));
        if (unit_length == 0) {
            return std::unexpected("unknown unit '" + std::string(1, text[pos]) +
                                   "' (use ms, s, m, h or d)");
        }
        pos += unit_length;
        double value = 0.0;
        if (std::from_chars(number.data(), number.data() + number.size(), value).ec ==
            std::errc::result_out_of_range) {
            // Beyond a double: too large when a digit before the point is not 0, else so small
            // that it rounds to 0 ms.
            if (number.find_first_not_of("0.") < number.find('.')) {
                return std::unexpected("too large");
            }
            value = 0.0;
        }
        total_ms += value * unit_ms;
    }
    if (total_ms > 1e15) {
        return std::unexpected("too large");
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_ms)));
}

std::string format_duration(std::chrono::milliseconds duration)
{
    const std::int64_t total = duration.count();
    const std::int64_t hours = total / 3600000;
    const std::int64_t minutes = total % 3600000 / 60000;
    const std::int64_t seconds = total % 60000 / 1000;
    const std::int64_t millis = total % 1000;
    std::string out;
    if (hours > 0) {
        out += std::to_string(hours) + "h";
    }
    if (minutes > 0) {
        out += std::to_string(minutes) + "m";
    }
    if (seconds > 0) {
        out += std::to_string(seconds) + "s";
    }
    if (millis > 0) {
        out += std::to_string(millis) + "ms";
    }
    return out.empty() ? "0s" : out;
}

} // namespace ihpa::common
