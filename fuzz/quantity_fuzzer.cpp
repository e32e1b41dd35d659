// Kubernetes quantities (`targetValue`s, metrics.k8s.io usage values): parsing, and the
// canonical text we serve, which must parse back to a value that formats the same.
#include "common/quantity.hpp"
#include "fuzz/fuzz_support.hpp"

#include <cmath>
#include <cstring>
#include <string>

namespace {

/// format_quantity(value) parses, and formatting what it parses to gives the same text.
void check_round_trip(double value)
{
    using namespace ihpa;
    const std::string text = common::format_quantity(value);
    const auto parsed = common::parse_quantity(text);
    ihpa::fuzz::require(parsed.has_value(), "a formatted quantity parses");
    ihpa::fuzz::require(common::format_quantity(*parsed) == text,
                        "a formatted quantity formats the same after parsing");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    if (const auto value = common::parse_quantity(fuzz::as_text(data, size))) {
        fuzz::require(!std::isnan(*value), "a parsed quantity is a number");
        check_round_trip(*value);
    }
    if (size >= sizeof(double)) {
        double bits = 0.0; // any double, NaN and infinities included
        std::memcpy(&bits, data, sizeof bits);
        check_round_trip(bits);
    }
    return 0;
}
