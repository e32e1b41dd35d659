#include "simulate/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace ihpa::simulate {

double trace_quantile(const model::Series& trace, double q)
{
    std::vector<double> values(trace.values.begin(), trace.values.end());
    std::sort(values.begin(), values.end());
    const double pos = q * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

std::expected<double, SimulateError> capacity_for_quantile(const model::Series& trace, double q, int pods)
{
    const double quantile = trace_quantile(trace, q);
    if (!(quantile > 0.0)) {
        return std::unexpected(SimulateError{
            "the trace's " + std::to_string(std::lround(q * 100.0)) +
            "th percentile is not positive; give --per-pod-capacity or --target-utilization and --request"});
    }
    return quantile / pods;
}

} // namespace ihpa::simulate
