// Go-style durations (flags, the configuration, `seasonality` periods): parsing, and the text
// we print for a duration, which must parse back to the same value.
#include "common/duration.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    const auto duration = common::parse_duration(fuzz::as_text(data, size));
    if (!duration) {
        return 0;
    }
    fuzz::require(duration->count() >= 0, "a parsed duration is not negative");
    const std::string text = common::format_duration(*duration);
    const auto reparsed = common::parse_duration(text);
    fuzz::require(reparsed.has_value() && *reparsed == *duration,
                  "format_duration() parses back to the same duration");
    return 0;
}
