#include "simulate/number_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace ihpa::simulate {

std::string number_text(double value)
{
    if (std::isnan(value)) {
        return "nan";
    }
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

std::string fixed_text(double value, int decimals)
{
    if (std::isnan(value)) {
        return "nan";
    }
    std::array<char, 64> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                      std::chars_format::fixed, decimals);
    return std::string(buffer.data(), result.ptr);
}

} // namespace ihpa::simulate
