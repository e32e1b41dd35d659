#pragma once

// A plain loop of the Holt-Winters recursion, for tests: the fit runs it in an optimised form
// (a ring buffer of seasonal states), and the tests check the two agree and that the loop
// matches R's `HoltWinters` on golden data.

#include "model/holt_winters.hpp"

#include <Eigen/Core>

namespace ihpa::model {

/// The recursion of `SmoothingParams` run over all of `y` with fixed parameters (weights 0 skip an error and
/// the update), starting from the classical initial states (level = mean of the first cycle,
/// trend = difference of the first two cycle means / m, seasonal = mean deviation of every full
/// cycle from its mean). `period` 0 means no seasonality. `clip` > 0 clips |y − ŷ| to `clip`
/// unless the previous error was also beyond it with the same sign (a level shift).
/// With φ = 1 it is R's `HoltWinters` (Winters' seasonal update with γ_R = γ / (1 − α),
/// FPP3 §8.3).
struct SmoothingReference {
    double sse = 0.0;         ///< in-sample sum of squared one-step errors
    Eigen::VectorXd forecast; ///< ŷ_{n+h|n} for h = 1..steps from the final states
};

/// Runs the reference loop over `y` and forecasts `steps` (>= 1) from its end.
[[nodiscard]] SmoothingReference holt_winters_reference(
    const Eigen::Ref<const Eigen::VectorXd>& y, const Eigen::Ref<const Eigen::VectorXd>& weight,
    Eigen::Index period, const SmoothingParams& params, double clip, Eigen::Index steps);

} // namespace ihpa::model
