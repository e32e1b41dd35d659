#include "common/number_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace ihpa::common {
namespace {

/// `text` without one leading '+' before a digit or '.', since from_chars accepts '-' only;
/// nullopt for a lone '+' or a '+' before another sign.
std::optional<std::string_view> without_plus(std::string_view text)
{
    if (!text.starts_with('+')) {
        return text;
    }
    text.remove_prefix(1);
    if (text.empty() || text.front() == '-' || text.front() == '+') {
        return std::nullopt;
    }
    return text;
}

} // namespace

std::string shortest_text(double value)
{
    if (std::isnan(value)) {
        return "nan";
    }
    std::array<char, 32> buffer{}; // the shortest form of any double has at most 24 characters
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

std::string shortest_fixed_text(double value)
{
    std::array<char, 400> buffer{}; // fixed notation of DBL_MAX has 309 digits
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                      std::chars_format::fixed);
    return std::string(buffer.data(), result.ptr);
}

std::string fixed_text(double value, int decimals)
{
    if (std::isnan(value)) {
        return "nan";
    }
    std::array<char, 400> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                      std::chars_format::fixed, decimals);
    if (result.ec != std::errc{}) {
        return shortest_text(value);
    }
    return std::string(buffer.data(), result.ptr);
}

std::optional<std::int64_t> parse_int64(std::string_view text)
{
    const auto digits = without_plus(text);
    if (!digits || digits->empty()) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto* end = digits->data() + digits->size();
    const auto [ptr, ec] = std::from_chars(digits->data(), end, value);
    if (ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parse_number(std::string_view text)
{
    const auto number = without_plus(text);
    if (!number || number->empty()) {
        return std::nullopt;
    }
    double value = 0.0;
    const auto* end = number->data() + number->size();
    const auto [ptr, ec] = std::from_chars(number->data(), end, value);
    if (ptr != end) {
        return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range) {
        // Python's float() gives +-inf for "1e999" and 0.0 for "1e-999"; from_chars gives up.
        const auto e = number->find_first_of("eE");
        const bool tiny = e != std::string_view::npos && number->find('-', e) != std::string_view::npos;
        const bool negative = number->front() == '-';
        return tiny ? 0.0 : (negative ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();
    }
    if (ec != std::errc{}) {
        return std::nullopt;
    }
    return value;
}

} // namespace ihpa::common
