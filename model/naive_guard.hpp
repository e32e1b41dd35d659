#pragma once

#include <Eigen/Core>

#include <string>
#include <vector>

namespace ihpa::model {

/// What the guard against losing to naive decided for one fit of `auto`.
struct GuardDecision {
    bool engaged = false;       ///< the fallback replaces the combination
    Eigen::Index fallback = 0;  ///< row of the best fallback candidate (meaningful when any exists)
    Eigen::Index beaten = 0;    ///< horizons where a model beats that fallback by the margin
    Eigen::Index horizons = 0;  ///< horizons of the validation window
    /// "guard(fallback=naive: no model beats it at 9 of 12 horizons)", or empty when not engaged.
    std::string description;
};

/// The guard of `auto` against losing to the last value (or a robust local level): a
/// forecastability test on the candidates' out-of-sample validation errors. Of the fallback
/// candidates (`is_fallback`), the one with the lowest mean validation MAE over the horizons is
/// the reference; a horizon counts as beaten when some other candidate's MAE there is below
/// (1 - margin) x the reference's. Fewer beaten horizons than half engages the guard: `auto` then
/// forecasts with the fallback alone, and its band comes from the fallback's own errors.
///
/// The M4 and M5 findings (Makridakis et al. 2020, 2022) make the naive forecast the benchmark a
/// method has to beat out of sample, and a combination gains only where its members do: where
/// none beats the benchmark, combining them adds their errors. The errors are measured after
/// each member's parameters were estimated, so they are out of sample. (A significance test on
/// the paired errors, one-sided Diebold-Mariano, was measured instead of the plain comparison:
/// at 1 standard error it cost 0.011 of relMAE on the dev traces, whose 12-hour windows rarely
/// prove a real advantage; see docs/benchmarks.md.)
///
/// `mae`: rows candidates, columns horizons, NaN for a candidate without forecasts;
/// `is_fallback` and `names` have one entry per row. Not engaged when no fallback has finite
/// errors.
[[nodiscard]] GuardDecision naive_guard(const Eigen::MatrixXd& mae,
                                        const std::vector<bool>& is_fallback,
                                        const std::vector<std::string>& names, double margin);

} // namespace ihpa::model
