#include "apiserver/parse_int.hpp"

#include <charconv>

namespace ihpa::apiserver {

std::optional<std::int64_t> parse_int64(std::string_view text)
{
    const bool plus = text.starts_with('+');
    if (plus) {
        text.remove_prefix(1);
    }
    if (text.empty() || (plus && text.front() == '-')) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

} // namespace ihpa::apiserver
