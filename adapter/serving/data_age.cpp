#include "adapter/serving/data_age.hpp"

#include "common/duration.hpp"

namespace ihpa::adapter {

std::optional<std::string> too_old(std::chrono::system_clock::time_point time,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::milliseconds max_age)
{
    if (now - time <= max_age) {
        return std::nullopt;
    }
    return "the newest data is " +
           common::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(now - time)) +
           " old";
}

} // namespace ihpa::adapter
