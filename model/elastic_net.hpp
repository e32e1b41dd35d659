#pragma once

#include "model/forecaster.hpp"

#include <Eigen/Core>

#include <expected>

namespace ihpa::model {

/// Settings of an elastic-net fit (the objective of glmnet, Friedman, Hastie & Tibshirani 2010):
/// minimise 1/(2n) Σ (y - b0 - Xβ)² + λ (α ‖β‖₁ + (1 - α)/2 ‖β‖²) on standardised columns of X,
/// with the intercept b0 not penalised.
struct ElasticNetOptions {
    double l1_ratio = 0.5;         ///< α in (0, 1]: 1 is the lasso, near 0 ridge
    Eigen::Index path_length = 40; ///< λ values tried, log-spaced from λ_max (all β zero) down, then λ = 0
    double path_ratio = 1e-4;      ///< the smallest λ as a share of λ_max
    double validation_share = 0.2; ///< the last rows that choose λ (rows are in time order)
    int max_sweeps = 500;          ///< coordinate-descent sweeps per λ at the most
    double tolerance = 1e-7;       ///< a sweep that moves no standardised β more than this ends it
};

/// A fitted linear model: prediction = intercept + coefficients · x, on the original scale.
struct ElasticNetFit {
    double intercept = 0.0;
    Eigen::VectorXd coefficients;
    double lambda = 0.0;           ///< the λ the validation rows chose
    double validation_mse = 0.0;   ///< their mean squared error at that λ (fitted without them)
    Eigen::Index validation_rows = 0;

    /// The prediction for one row of features (`x.size()` == coefficients.size()).
    [[nodiscard]] double predict(const Eigen::Ref<const Eigen::VectorXd>& x) const
    {
        return intercept + coefficients.dot(x);
    }
};

/// Fits y on the columns of `x` (one row per observation, in time order; every value finite).
/// λ is chosen on the path by the squared error of the last `validation_share` of the rows when
/// fitted on the rows before them, and the model is then refitted on every row at that λ. A
/// constant column gets a coefficient of 0. InvalidSpec for options out of range or mismatched
/// sizes, NotEnoughData with fewer than 10 rows (or too few to hold some out).
[[nodiscard]] std::expected<ElasticNetFit, ModelError>
fit_elastic_net(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const ElasticNetOptions& options = {});

} // namespace ihpa::model
