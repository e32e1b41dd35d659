#include "common/time_text.hpp"

#include <array>
#include <ctime>

namespace ihpa::common {

std::string rfc3339(std::chrono::system_clock::time_point time)
{
    const std::time_t seconds =
        std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 32> text{};
    const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
    return {text.data(), length};
}

} // namespace ihpa::common
