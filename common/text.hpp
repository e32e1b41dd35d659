#pragma once

#include <string>
#include <string_view>

namespace ihpa::common {

/// `text` with ASCII letters lowercased; other bytes (UTF-8 included) unchanged.
[[nodiscard]] std::string lowercase(std::string_view text);

/// `text` without leading and trailing ASCII white space (space, tab, CR, LF, FF, VT).
[[nodiscard]] std::string_view trim(std::string_view text);

/// True when `a` and `b` are equal ignoring ASCII case (HTTP header names, URL schemes).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

/// True when `text` starts with `prefix` ignoring ASCII case.
[[nodiscard]] bool istarts_with(std::string_view text, std::string_view prefix);

} // namespace ihpa::common
