// Prometheus HTTP API answers (/api/v1/query, /api/v1/query_range, /api/v1/series, error
// envelopes and sample values): every parser on the same body.
#include "adapter/source/prometheus/prometheus_response.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    namespace prometheus = adapter::prometheus;
    const std::string_view body = fuzz::as_text(data, size);
    (void)prometheus::parse_instant_response(body);
    (void)prometheus::parse_range_response(body);
    (void)prometheus::parse_series_response(body);
    (void)prometheus::error_message(body);
    (void)prometheus::parse_sample_value(body);
    return 0;
}
