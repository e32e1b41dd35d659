// `externalRules` (prometheus-adapter's syntax): the `matches` pattern and `as` name of a rule
// applied to a series name from Prometheus, and the `metricsQuery` template expanded for a
// request's selector. Input: pattern, as, series name and selector on one line each, then the
// template (the rest, newlines included).
#include "adapter/source/prometheus/external_rules_query.hpp"
#include "apiserver/label_selector.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    namespace rules = adapter::external_rules;
    std::string_view text = fuzz::as_text(data, size);
    const std::string pattern_text(fuzz::take_field(text, '\n'));
    const std::string as(fuzz::take_field(text, '\n'));
    const std::string series(fuzz::take_field(text, '\n'));
    const std::string_view selector_text = fuzz::take_field(text, '\n');
    const std::string_view template_text = text;

    if (const auto pattern = rules::compile_pattern(pattern_text)) {
        (void)rules::capture_groups(*pattern);
        (void)rules::default_as(*pattern);
        (void)rules::map_name(*pattern, as, series);
    }
    (void)rules::regex_escape(series);
    const std::string quoted = rules::promql_string(series);
    fuzz::require(quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"',
                  "a PromQL string literal is quoted");

    const auto query = rules::QueryTemplate::parse(template_text);
    const auto selector = apiserver::parse_label_selector(selector_text);
    if (!query || !selector) {
        return 0;
    }
    if (const auto args = rules::query_args(series, *selector, "namespace", as)) {
        (void)query->expand(*args);
    }
    return 0;
}
