#pragma once

#include <Eigen/Core>

#include <functional>

namespace ihpa::model {

/// Settings of the Nelder–Mead minimiser.
struct NelderMeadOptions {
    int max_evaluations = 300;   ///< stop after this many objective evaluations
    double initial_step = 0.5;   ///< edge length of the initial simplex
    double tolerance = 1e-7;     ///< stop when the simplex values agree to this relative spread
};

/// The minimiser's answer.
struct NelderMeadResult {
    Eigen::VectorXd x; ///< best point found
    double value = 0;  ///< objective there
    int evaluations = 0;
};

/// Minimises `objective` over R^d from `start` with the Nelder–Mead simplex method (Nelder &
/// Mead 1965; coefficients of Lagarias et al. 1998: reflection 1, expansion 2, contraction 1/2,
/// shrink 1/2). Unconstrained: callers map constrained parameters through a smooth bijection.
/// A non-finite objective value counts as +infinity. Deterministic.
[[nodiscard]] NelderMeadResult
nelder_mead(const std::function<double(const Eigen::VectorXd&)>& objective,
            const Eigen::VectorXd& start, const NelderMeadOptions& options);

} // namespace ihpa::model
