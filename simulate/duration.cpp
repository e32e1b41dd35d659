#include "simulate/duration.hpp"

#include <cctype>
#include <cmath>
#include <string>

namespace ihpa::simulate {

std::expected<std::int64_t, SimulateError> parse_duration(std::string_view text)
{
    const auto fail = [text](const std::string& why) {
        return std::unexpected(SimulateError{"invalid duration \"" + std::string(text) + "\": " + why});
    };
    if (text.empty()) {
        return fail("empty");
    }
    double total = 0.0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t number_start = pos;
        while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) != 0 ||
                                     text[pos] == '.')) {
            ++pos;
        }
        if (pos == number_start) {
            return fail("expected a number at position " + std::to_string(number_start + 1));
        }
        const std::string number(text.substr(number_start, pos - number_start));
        if (number == "." || number.find('.') != number.rfind('.')) {
            return fail("malformed number \"" + number + "\"");
        }
        if (pos == text.size()) {
            return fail("missing unit after \"" + number + "\" (use h, m or s)");
        }
        double unit = 0.0;
        switch (text[pos]) {
        case 'h':
            unit = 3600.0;
            break;
        case 'm':
            unit = 60.0;
            break;
        case 's':
            unit = 1.0;
            break;
        default:
            return fail("unknown unit '" + std::string(1, text[pos]) + "' (use h, m or s)");
        }
        ++pos;
        total += std::stod(number) * unit;
    }
    if (total != std::floor(total)) {
        return fail("not a whole number of seconds");
    }
    if (total <= 0.0) {
        return fail("must be positive");
    }
    if (total > 1e12) {
        return fail("too large");
    }
    return static_cast<std::int64_t>(total);
}

std::string format_duration(std::int64_t seconds)
{
    std::string out;
    const std::int64_t hours = seconds / 3600;
    const std::int64_t minutes = seconds % 3600 / 60;
    const std::int64_t secs = seconds % 60;
    if (hours > 0) {
        out += std::to_string(hours) + "h";
    }
    if (minutes > 0) {
        out += std::to_string(minutes) + "m";
    }
    if (secs > 0 || out.empty()) {
        out += std::to_string(secs) + "s";
    }
    return out;
}

} // namespace ihpa::simulate
