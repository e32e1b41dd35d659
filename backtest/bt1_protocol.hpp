#pragma once

#include <Eigen/Core>

#include <array>
#include <vector>

namespace ihpa::backtest {

/// The BT1 horizons, in steps ahead of the origin.
inline constexpr std::array<Eigen::Index, 4> kHorizons{1, 3, 6, 12};
/// The longest BT1 horizon: every origin `o` satisfies `o + kMaxHorizon <= n - 1`.
inline constexpr Eigen::Index kMaxHorizon = 12;
/// The quantile a forecast's `upper` stands for (`lower` is the 10 % quantile).
inline constexpr double kUpperQuantile = 0.9;

/// Where the BT1 forecasts of a trace start and how far apart they are.
struct OriginPlan {
    Eigen::Index test_start = 0;       ///< floor(0.8 * n)
    Eigen::Index stride = 1;           ///< distance between consecutive origins, in points
    /// o_k = test_start - 1 + k * stride while o_k + 12 <= n - 1
    std::vector<Eigen::Index> origins;
};

/// The BT1 origins of a trace of `n` points (PROTOCOL.md, "Origins and horizons"): e.g. 178
/// origins with stride 9 for n = 8064, 199 with stride 4 for n = 4032. With `every` > 1 only
/// every `every`-th of them is kept (origins k = 0, every, 2·every, …): a quicker look that is
/// not BT1 any more and is never scored as such. `every` >= 1.
[[nodiscard]] OriginPlan plan_origins(Eigen::Index n, Eigen::Index every = 1);

/// The fewest points a trace may have: the smallest n with at least one BT1 origin.
[[nodiscard]] Eigen::Index min_trace_points();

} // namespace ihpa::backtest
