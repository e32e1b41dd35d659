// Datadog v1 metrics query answers: the series parser and the error-message reader.
#include "adapter/source/datadog/datadog_response.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    const std::string_view body = fuzz::as_text(data, size);
    (void)adapter::parse_datadog_response(body);
    (void)adapter::datadog_error_message(body);
    return 0;
}
