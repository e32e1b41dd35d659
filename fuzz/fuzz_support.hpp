#pragma once
// What every fuzz target shares: the input as text, and property checks that libFuzzer reports
// as crashes (so the failing input is saved like any other crash).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace ihpa::fuzz {

/// The fuzzer's input bytes as text (any bytes, NUL included).
inline std::string_view as_text(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

/// Ends the run as a crash, naming the property, when `holds` is false.
inline void require(bool holds, const char* property)
{
    if (!holds) {
        std::fprintf(stderr, "fuzz property failed: %s\n", property);
        __builtin_trap();
    }
}

/// The part of `text` before the first `separator` (all of it when there is none); `text` keeps
/// what follows the separator. Lets one input carry several fields.
inline std::string_view take_field(std::string_view& text, char separator)
{
    const std::size_t at = text.find(separator);
    const std::string_view field = text.substr(0, at);
    text = at == std::string_view::npos ? std::string_view{} : text.substr(at + 1);
    return field;
}

} // namespace ihpa::fuzz
