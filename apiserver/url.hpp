#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ihpa::apiserver {

/// Decodes %XX escapes (and `+` as a space when `plus_is_space`, as in query strings);
/// nullopt when an escape is malformed or truncated.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

} // namespace ihpa::apiserver
