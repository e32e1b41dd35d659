#include "common/quantity.hpp"

#include "common/number_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace ihpa::common {
namespace {

constexpr std::uint64_t kMaxMilli = std::numeric_limits<std::int64_t>::max();
/// Suffixes of the canonical DecimalSI form by (exponent + 3) / 3. Nothing reaches "E": the
/// clamp keeps values below 9.3e15.
constexpr std::array<std::string_view, 7> kDecimalSuffixes{"m", "", "k", "M", "G", "T", "P"};

/// Upstream's ErrFormatWrong text (quantity.go splitREString).
constexpr std::string_view kFormatWrong =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr std::string_view kSuffixWrong = "unable to parse quantity's suffix";
/// Exponents are clamped to this magnitude: far past the double range either way, and small
/// enough that adding the digit count cannot overflow.
constexpr std::int64_t kMaxExponent = 1'000'000'000'000;
constexpr int kNanoExponent = -9;

std::uint64_t pow10(int exponent)
{
    std::uint64_t result = 1;
    for (int i = 0; i < exponent; ++i) {
        result *= 10;
    }
    return result;
}

/// A positive finite `magnitude` as digits × 10^exponent, from the shortest decimal that
/// converts back to it (at most 17 significant digits, so `digits` fits).
struct ShortDecimal {
    std::uint64_t digits = 0;
    int exponent = 0;
};

ShortDecimal shortest_decimal(double magnitude)
{
    std::array<char, 32> buffer{};
    const auto written = std::to_chars(buffer.data(), buffer.data() + buffer.size(), magnitude,
                                       std::chars_format::scientific);
    const std::string_view text(buffer.data(), written.ptr); // "d[.ddd]e[+-]XX"
    const std::size_t e = text.find('e');
    ShortDecimal result;
    int fraction_digits = 0;
    bool after_point = false;
    for (const char c : text.substr(0, e)) {
        if (c == '.') {
            after_point = true;
            continue;
        }
        result.digits = result.digits * 10 + static_cast<std::uint64_t>(c - '0');
        fraction_digits += after_point ? 1 : 0;
    }
    const std::string_view exponent = text.substr(e + 2);
    std::from_chars(exponent.data(), exponent.data() + exponent.size(), result.exponent);
    result.exponent = (text[e + 1] == '-' ? -result.exponent : result.exponent) - fraction_digits;
    return result;
}

/// ceil(magnitude × 1000) for a positive finite `magnitude`, at most kMaxMilli.
std::uint64_t milli_rounded_up(double magnitude)
{
    const ShortDecimal decimal = shortest_decimal(magnitude);
    const int shift = decimal.exponent + 3;
    if (shift < 0) {
        // digits < 10^17, so dropping 17 or more places leaves only the round-up.
        if (shift <= -17) {
            return 1;
        }
        const std::uint64_t unit = pow10(-shift);
        return decimal.digits / unit + (decimal.digits % unit != 0 ? 1 : 0);
    }
    std::uint64_t milli = decimal.digits;
    for (int i = 0; i < shift; ++i) {
        if (milli > kMaxMilli / 10) {
            return kMaxMilli;
        }
        milli *= 10;
    }
    return std::min(milli, kMaxMilli);
}

/// In-place decimal digit-string arithmetic for the exact parse.
void multiply(std::string& digits, unsigned factor)
{
    unsigned carry = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        const unsigned product = static_cast<unsigned>(*it - '0') * factor + carry;
        *it = static_cast<char>('0' + product % 10);
        carry = product / 10;
    }
    for (; carry != 0; carry /= 10) {
        digits.insert(digits.begin(), static_cast<char>('0' + carry % 10));
    }
}

void increment(std::string& digits)
{
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (*it != '9') {
            ++*it;
            return;
        }
        *it = '0';
    }
    digits.insert(digits.begin(), '1');
}


bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// The pieces of upstream's parseQuantityString.
struct QuantityParts {
    bool negative = false;
    std::string_view integer;  ///< digits before the point
    std::string_view fraction; ///< digits after the point
    std::string_view suffix;
};

/// Upstream's scanner: sign, digits, optional point and digits, then a suffix made of
/// [eEinumkKMGTP]* [+-]? [0-9]* that must reach the end.
std::optional<QuantityParts> split_quantity(std::string_view text)
{
    QuantityParts parts;
    std::size_t pos = 0;
    const auto digits_from = [&](std::size_t start) {
        while (pos < text.size() && is_digit(text[pos])) {
            ++pos;
        }
        return text.substr(start, pos - start);
    };
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        parts.negative = text[pos] == '-';
        ++pos;
    }
    parts.integer = digits_from(pos);
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        parts.fraction = digits_from(pos);
    }
    const std::size_t suffix_start = pos;
    while (pos < text.size() && std::string_view("eEinumkKMGTP").find(text[pos]) !=
                                    std::string_view::npos) {
        ++pos;
    }
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        ++pos;
    }
    digits_from(pos);
    if (pos != text.size()) {
        return std::nullopt;
    }
    parts.suffix = text.substr(suffix_start);
    return parts;
}

/// A suffix as base-10 and base-2 exponents (upstream suffix.go `interpret`).
struct Scale {
    std::int64_t decimal_exponent = 0;
    unsigned binary_exponent = 0;
};

std::optional<Scale> interpret_suffix(std::string_view suffix)
{
    struct Named {
        std::string_view suffix;
        Scale scale;
    };
    constexpr std::array kNamed{
        Named{"", {0, 0}},   Named{"n", {-9, 0}},  Named{"u", {-6, 0}},  Named{"m", {-3, 0}},
        Named{"k", {3, 0}},  Named{"M", {6, 0}},   Named{"G", {9, 0}},   Named{"T", {12, 0}},
        Named{"P", {15, 0}}, Named{"E", {18, 0}},  Named{"Ki", {0, 10}}, Named{"Mi", {0, 20}},
        Named{"Gi", {0, 30}}, Named{"Ti", {0, 40}}, Named{"Pi", {0, 50}}, Named{"Ei", {0, 60}},
    };
    const auto named = std::ranges::find(kNamed, suffix, &Named::suffix);
    if (named != kNamed.end()) {
        return named->scale;
    }
    if (suffix.size() > 1 && (suffix.front() == 'e' || suffix.front() == 'E')) {
        if (const auto exponent = common::parse_int64(suffix.substr(1))) {
            return Scale{std::clamp(*exponent, -kMaxExponent, kMaxExponent), 0};
        }
    }
    return std::nullopt;
}

} // namespace

std::string format_quantity(double value)
{
    if (std::isnan(value) || value == 0.0) {
        return "0";
    }
    const double magnitude = std::fabs(value);
    std::uint64_t mantissa = std::isinf(magnitude) ? kMaxMilli : milli_rounded_up(magnitude);
    int exponent = -3;
    while (mantissa % 10 == 0) {
        mantissa /= 10;
        ++exponent;
    }
    // Back down to a multiple of 3; this only restores zeros just removed, so it cannot overflow.
    while ((exponent + 3) % 3 != 0) {
        mantissa *= 10;
        --exponent;
    }
    std::string out = value < 0 ? "-" : "";
    out += std::to_string(mantissa);
    out += kDecimalSuffixes[static_cast<std::size_t>((exponent + 3) / 3)];
    return out;
}

std::expected<double, QuantityError> parse_quantity(std::string_view text)
{
    const auto fail = [text](std::string_view why) {
        return std::unexpected(
            QuantityError{"invalid quantity \"" + std::string(text) + "\": " + std::string(why)});
    };
    const std::optional<QuantityParts> parts = text.empty() ? std::nullopt : split_quantity(text);
    if (!parts) {
        return fail(kFormatWrong);
    }
    const std::optional<Scale> scale = interpret_suffix(parts->suffix);
    if (!scale) {
        return fail(kSuffixWrong);
    }
    // value = digits × 10^exponent × 2^binary_exponent, exactly.
    std::string digits = std::string(parts->integer) + std::string(parts->fraction);
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
    if (digits.empty()) {
        return 0.0;
    }
    std::int64_t exponent =
        scale->decimal_exponent - static_cast<std::int64_t>(parts->fraction.size());
    for (unsigned i = 0; i < scale->binary_exponent; i += 10) {
        multiply(digits, 1024);
    }
    // Round the magnitude up to a whole nano-unit, as upstream does on parse.
    if (exponent < kNanoExponent) {
        const std::int64_t dropped = kNanoExponent - exponent;
        if (dropped >= static_cast<std::int64_t>(digits.size())) {
            digits = "1";
        } else {
            const auto keep = digits.size() - static_cast<std::size_t>(dropped);
            const bool remainder = digits.find_first_not_of('0', keep) != std::string::npos;
            digits.resize(keep);
            if (remainder) {
                increment(digits);
            }
        }
        exponent = kNanoExponent;
    }
    const std::string scientific = digits + "e" + std::to_string(exponent);
    double value = 0.0;
    const auto [end, ec] =
        std::from_chars(scientific.data(), scientific.data() + scientific.size(), value);
    if (ec != std::errc{} || end != scientific.data() + scientific.size()) {
        return fail("out of the range of a double");
    }
    if (scale->binary_exponent != 0) {
        value = std::min(value, 0x1p63); // upstream caps BinarySI at 2^63-1, which rounds to 2^63
    }
    return parts->negative ? -value : value;
}

} // namespace ihpa::common
