#include "backtest/bt1_protocol.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::backtest {

OriginPlan plan_origins(Eigen::Index n, Eigen::Index every)
{
    OriginPlan plan;
    // floor(0.8 * n) in double arithmetic, exactly as the reference scorer computes it.
    plan.test_start = static_cast<Eigen::Index>(std::floor(0.8 * static_cast<double>(n)));
    const Eigen::Index span = n - kMaxHorizon - plan.test_start + 1;
    plan.stride = std::max<Eigen::Index>(1, (span + 199) / 200); // ceil(span / 200) for span > 0
    Eigen::Index k = 0;
    for (Eigen::Index o = plan.test_start - 1; o + kMaxHorizon <= n - 1; o += plan.stride, ++k) {
        if (k % every == 0) {
            plan.origins.push_back(o);
        }
    }
    return plan;
}

Eigen::Index min_trace_points()
{
    Eigen::Index n = kMaxHorizon + 1;
    while (plan_origins(n).origins.empty()) {
        ++n;
    }
    return n;
}

} // namespace ihpa::backtest
