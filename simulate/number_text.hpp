#pragma once

#include <string>

namespace ihpa::simulate {

/// Shortest text that reads back as exactly `value` (std::to_chars); "nan" for NaN. For CSV
/// cells and SVG coordinates, without locale effects.
[[nodiscard]] std::string number_text(double value);

/// `value` rounded to `decimals` places, fixed notation, no locale effects.
[[nodiscard]] std::string fixed_text(double value, int decimals);

} // namespace ihpa::simulate
