#include "simulate/duration.hpp"

#include "common/duration.hpp"

#include <chrono>
#include <string>

namespace ihpa::simulate {

std::expected<std::int64_t, SimulateError> parse_duration(std::string_view text)
{
    const auto fail = [text](const std::string& why) {
        return std::unexpected(SimulateError{"invalid duration \"" + std::string(text) + "\": " + why});
    };
    auto parsed = common::parse_duration(text);
    if (!parsed) {
        return fail(parsed.error());
    }
    if (parsed->count() % 1000 != 0) {
        return fail("not a whole number of seconds");
    }
    if (parsed->count() <= 0) {
        return fail("must be positive");
    }
    return std::chrono::duration_cast<std::chrono::seconds>(*parsed).count();
}

std::string format_duration(std::int64_t seconds)
{
    return common::format_duration(std::chrono::seconds(seconds));
}

} // namespace ihpa::simulate
