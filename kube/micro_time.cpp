#include "kube/micro_time.hpp"

#include <cstdio>
#include <ctime>

namespace ihpa::kube {

WallClock system_wall_clock()
{
    return [] { return std::chrono::system_clock::now(); };
}

std::string format_micro_time(std::chrono::system_clock::time_point t)
{
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(micros / 1000000 - (micros % 1000000 < 0 ? 1 : 0));
    const long fraction = static_cast<long>(((micros % 1000000) + 1000000) % 1000000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char date[32];
    const std::size_t length = std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
    char micro[24];
    std::snprintf(micro, sizeof micro, ".%06ldZ", fraction);
    return std::string(date, length) + micro;
}

} // namespace ihpa::kube
