#pragma once

// resource.Quantity text, as k8s.io/apimachinery/pkg/api/resource (quantity.go, amount.go,
// suffix.go) writes and reads it.
//
// Writing (format_quantity) produces what `NewMilliQuantity(m, DecimalSI).String()` prints,
// where m is the value in milli-units rounded up in magnitude (upstream `RoundUp` rounds away
// from zero: 0.0001 -> "1m", -0.0001 -> "-1m"). The canonical form (amount.go
// `AsCanonicalBytes`): strip trailing zeros from the mantissa, lower the exponent to a multiple
// of 3, print mantissa + suffix (`m`, "", `k`, `M`, `G`, `T`, `P`), no fraction, "-" only for
// negatives, zero as "0". Examples: 0.3 -> "300m", 1.5 -> "1500m", 2 -> "2", 1000 -> "1k",
// 1234000 -> "1234k", 5e7 -> "50M".
//
// Which decimal a double stands for: the shortest one that converts back to the same double
// (what Go's `%v` and `strconv.FormatFloat(v, 'g', -1, 64)` print). Rounding the exact binary
// value instead would turn 1.1 (stored as 1.10000000000000008882) into "1101m".
//
// Limits, chosen because the HPA reads `MilliValue()` as an int64: magnitudes beyond
// 9223372036854775807 milli-units (about 9.2e15), infinities included, are clamped to
// ±9223372036854775807m (symmetric, so -inf gives "-9223372036854775807m", not upstream's
// extra unit on the negative side); NaN, which a Quantity cannot hold, is written as "0".
//
// Reading (parse_quantity) accepts upstream's grammar:
//   [+-] digits [. digits] [suffix]       (either digit run may be empty: "1.", ".5")
//   suffix := "" | n u m k M G T P E | Ki Mi Gi Ti Pi Ei | (e|E) [+-] digits
// with upstream's quirks kept: "." and a bare sign read as 0, "1E" is 10^18 but "1E3" is 1000,
// magnitudes are rounded up to a multiple of 1n (3.001n -> 4n), binary-suffixed values are
// capped at 2^63-1. The arithmetic is exact in decimal until the final conversion to double.
// Differences: results beyond the double range are an error (upstream keeps them as big
// decimals), and an exponent outside the int32 range is taken at its real size (too large,
// or rounded up to 1n) instead of being truncated to 32 bits as upstream does.

#include <expected>
#include <string>
#include <string_view>

namespace ihpa::common {

/// Why a quantity string was rejected: the input in quotes, then upstream's reason.
struct QuantityError {
    std::string message;
};

/// `value` as the canonical DecimalSI Quantity string at milli precision, rounded up in
/// magnitude to a whole milli-unit; clamped to ±9223372036854775807m; NaN and ±0 give "0".
[[nodiscard]] std::string format_quantity(double value);

/// Parses a Quantity string (no surrounding whitespace) into its value. Errors: the empty
/// string, anything outside the grammar above (`1.5.5`, ` 1`, `1 `), unknown suffixes (`1Qi`,
/// `1i`, `0.1mi`), an exponent that is not an int64 (`1e-`), and values too large for a double.
[[nodiscard]] std::expected<double, QuantityError> parse_quantity(std::string_view text);

} // namespace ihpa::common
