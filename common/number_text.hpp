#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ihpa::common {

/// The shortest decimal text that reads back as exactly `value` (std::to_chars, no locale
/// effects): "0.1", "1e+300"; "nan" for every NaN, "inf" / "-inf" for infinities.
[[nodiscard]] std::string shortest_text(double value);

/// The shortest fixed-notation text that reads back as `value` ("0.0001", never "1e-04"), as
/// the Prometheus text format and metric values want it.
[[nodiscard]] std::string shortest_fixed_text(double value);

/// `value` rounded to `decimals` places in fixed notation; "nan" for NaN.
[[nodiscard]] std::string fixed_text(double value, int decimals);

/// Parses a whole text as a base-10 int64 the way Go's `strconv.ParseInt(text, 10, 64)` does:
/// one optional sign ('+' or '-'), digits only, in range; nullopt otherwise.
[[nodiscard]] std::optional<std::int64_t> parse_int64(std::string_view text);

/// Parses a whole text as a floating-point number as Python's `float()` does for decimal or
/// exponent notation with an optional sign, `nan` and `inf`: out-of-range magnitudes give
/// +-inf ("1e999") or 0 ("1e-999"); nullopt when the text is not a number.
[[nodiscard]] std::optional<double> parse_number(std::string_view text);

} // namespace ihpa::common
