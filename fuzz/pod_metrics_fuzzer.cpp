// metrics.k8s.io PodMetricsList answers: the usage sum of every container, and of one container.
#include "adapter/source/kubernetes_metrics/pod_metrics.hpp"
#include "fuzz/fuzz_support.hpp"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    namespace metrics = adapter::kubernetes_metrics;
    const std::string_view body = fuzz::as_text(data, size);
    static const auto all_cpu = metrics::parse_resource_usage_query("cpu in shop");
    static const auto one_memory = metrics::parse_resource_usage_query("memory in shop container nginx");
    fuzz::require(all_cpu.has_value() && one_memory.has_value(), "the fixed queries parse");
    for (const auto* query : {&*all_cpu, &*one_memory}) {
        if (const auto sum = metrics::sum_pod_usage(body, *query)) {
            fuzz::require(!std::isnan(sum->total), "a usage sum is a number");
        }
    }
    return 0;
}
