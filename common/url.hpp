#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ihpa::common {

/// Decodes %XX escapes (and `+` as a space when `plus_is_space`, as in query strings);
/// nullopt when an escape is malformed or truncated.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// Percent-encodes `text` for a URL query name or value: RFC 3986 unreserved characters
/// (letters, digits, `-`, `_`, `.`, `~`) stay, every other byte becomes %XX (upper-case hex).
[[nodiscard]] std::string percent_encode(std::string_view text);

} // namespace ihpa::common
