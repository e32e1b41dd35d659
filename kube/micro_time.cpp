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
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
    return text;
}

} // namespace ihpa::kube
