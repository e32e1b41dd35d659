#include "cli/duration_flag.hpp"

#include "common/duration.hpp"

namespace ihpa::cli {

std::expected<std::chrono::milliseconds, std::string> duration_flag(const char* flag, const std::string& text,
                                                                    bool zero_allowed)
{
    auto parsed = common::parse_duration(text);
    if (!parsed) {
        return std::unexpected(std::string(flag) + ": \"" + text + "\": " + parsed.error());
    }
    if (parsed->count() < 0 || (!zero_allowed && parsed->count() == 0)) {
        return std::unexpected(std::string(flag) + (zero_allowed ? ": must not be negative" : ": must be longer than 0s"));
    }
    return *parsed;
}

} // namespace ihpa::cli
