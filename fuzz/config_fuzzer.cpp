// The adapter's configuration YAML (sources, metrics, forecasts, externalRules with their
// patterns and templates, and the source query languages they name), through yaml-cpp.
#include "adapter/config/config.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    const auto config = adapter::parse_config(std::string(fuzz::as_text(data, size)), "fuzz.yaml");
    if (!config) {
        fuzz::require(!config.error().empty(), "a rejected configuration says why");
    }
    return 0;
}
