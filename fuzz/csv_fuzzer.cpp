// CSV files: the row splitter and the `timestamp,value` series reader (replayed traces, model
// inputs), and BT1 trace files of `ihpa backtest`.
#include "backtest/trace_csv.hpp"
#include "common/csv.hpp"
#include "common/time_series_csv.hpp"
#include "fuzz/fuzz_support.hpp"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    const std::string_view text = fuzz::as_text(data, size);
    for (const auto& row : common::split_csv(text)) {
        (void)row.blank();
        (void)row.joined();
    }
    if (const auto series = common::parse_time_series_csv(text, "fuzz.csv")) {
        fuzz::require(series->times.size() == series->values.size(), "one value per timestamp");
        for (std::size_t i = 0; i < series->values.size(); ++i) {
            fuzz::require(std::isfinite(series->values[i]), "values are finite");
            fuzz::require(i == 0 || series->times[i] - series->times[i - 1] == series->step_seconds(),
                          "timestamps advance by one step");
        }
    }
    (void)backtest::parse_trace_csv(text, "fuzz.csv");
    return 0;
}
