// Label selectors (`labelSelector` of a metric request, `where` of a kubernetesMetrics query):
// parsing, matching, and canonical form round trips.
#include "apiserver/label_selector.hpp"
#include "fuzz/fuzz_support.hpp"

#include <map>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    const std::string_view text = fuzz::as_text(data, size);
    (void)apiserver::validate_label_key(text);
    (void)apiserver::validate_label_value(text);
    const auto selector = apiserver::parse_label_selector(text);
    if (!selector) {
        return 0;
    }
    const std::map<std::string, std::string> labels = {
        {"app", "web"}, {"env", "prod"}, {"tier", "1"}, {"example.com/team", "a-b_c.d"}};
    const bool matches = selector->matches(labels);
    const std::string canonical = selector->to_string();
    const auto reparsed = apiserver::parse_label_selector(canonical);
    fuzz::require(reparsed.has_value(), "to_string() of a selector parses");
    fuzz::require(*reparsed == *selector, "to_string() parses back to the same selector");
    fuzz::require(reparsed->matches(labels) == matches, "the reparsed selector matches alike");
    for (const auto& requirement : selector->requirements()) {
        (void)selector->exact_value(requirement.key);
    }
    return 0;
}
