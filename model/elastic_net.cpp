#include "model/elastic_net.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ihpa::model {
namespace {

constexpr Eigen::Index kMinRows = 10;

/// Columns centred and scaled to unit variance (a constant column is left at 0 and marked).
struct Standardised {
    Eigen::MatrixXd z;
    Eigen::VectorXd mean;
    Eigen::VectorXd scale; ///< 0 for a constant column
    double y_mean = 0.0;
    Eigen::VectorXd y; ///< centred
};

Standardised standardise(const Eigen::MatrixXd& x, const Eigen::VectorXd& y)
{
    Standardised s;
    const auto n = static_cast<double>(x.rows());
    s.mean = x.colwise().mean().transpose();
    s.z = x.rowwise() - s.mean.transpose();
    s.scale = (s.z.colwise().squaredNorm().array() / n).sqrt().transpose();
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
        if (s.scale[j] > 1e-12 * std::max(1.0, std::abs(s.mean[j]))) {
            s.z.col(j) /= s.scale[j];
        } else {
            s.scale[j] = 0.0;
            s.z.col(j).setZero();
        }
    }
    s.y_mean = y.mean();
    s.y = y.array() - s.y_mean;
    return s;
}

double soft_threshold(double v, double t)
{
    return v > t ? v - t : (v < -t ? v + t : 0.0);
}

/// Coordinate descent at one λ from the warm start `beta` (standardised scale), in place.
void descend(const Standardised& s, double lambda, const ElasticNetOptions& o, Eigen::VectorXd& beta)
{
    const auto n = static_cast<double>(s.z.rows());
    Eigen::VectorXd residual = s.y - s.z * beta;
    const double shrink = 1.0 + lambda * (1.0 - o.l1_ratio);
    for (int sweep = 0; sweep < o.max_sweeps; ++sweep) {
        double moved = 0.0;
        for (Eigen::Index j = 0; j < s.z.cols(); ++j) {
            if (s.scale[j] == 0.0) {
                continue;
            }
            const double old = beta[j];
            const double rho = s.z.col(j).dot(residual) / n + old;
            beta[j] = soft_threshold(rho, lambda * o.l1_ratio) / shrink;
            if (beta[j] != old) {
                residual -= (beta[j] - old) * s.z.col(j);
                moved = std::max(moved, std::abs(beta[j] - old));
            }
        }
        if (moved < o.tolerance) {
            return;
        }
    }
}

/// The fit on the original scale from standardised coefficients.
ElasticNetFit unstandardise(const Standardised& s, const Eigen::VectorXd& beta, double lambda)
{
    ElasticNetFit fit;
    fit.lambda = lambda;
    fit.coefficients = Eigen::VectorXd::Zero(beta.size());
    for (Eigen::Index j = 0; j < beta.size(); ++j) {
        fit.coefficients[j] = s.scale[j] > 0.0 ? beta[j] / s.scale[j] : 0.0;
    }
    fit.intercept = s.y_mean - fit.coefficients.dot(s.mean);
    return fit;
}

/// λ_max, the smallest λ at which every coefficient is 0, the log-spaced path below it, then 0.
Eigen::VectorXd lambda_path(const Standardised& s, const ElasticNetOptions& o)
{
    const auto n = static_cast<double>(s.z.rows());
    const double top = s.z.cols() > 0 ? (s.z.transpose() * s.y).cwiseAbs().maxCoeff() / n / o.l1_ratio : 0.0;
    Eigen::VectorXd path(o.path_length + 1);
    for (Eigen::Index k = 0; k < o.path_length; ++k) {
        const double share = o.path_length > 1 ? static_cast<double>(k) / static_cast<double>(o.path_length - 1) : 0.0;
        path[k] = top * std::pow(o.path_ratio, share);
    }
    path[o.path_length] = 0.0; // least squares, when the held-out rows prefer no penalty at all
    return path;
}

} // namespace

std::expected<ElasticNetFit, ModelError>
fit_elastic_net(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const ElasticNetOptions& options)
{
    if (!(options.l1_ratio > 0.0 && options.l1_ratio <= 1.0) || options.path_length < 1 ||
        !(options.path_ratio > 0.0 && options.path_ratio < 1.0) ||
        !(options.validation_share > 0.0 && options.validation_share < 1.0) || options.max_sweeps < 1 ||
        !(options.tolerance > 0.0)) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                          "elastic net: l1Ratio must be in (0, 1], the path and its ratio, the "
                                          "validation share (0, 1), sweeps and tolerance positive"});
    }
    if (x.rows() != y.size()) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                          "elastic net: " + std::to_string(x.rows()) + " rows of features for " +
                                              std::to_string(y.size()) + " observations"});
    }
    if (!x.allFinite() || !y.allFinite()) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec, "elastic net: a value is not finite"});
    }
    const auto held_out = static_cast<Eigen::Index>(std::floor(options.validation_share * static_cast<double>(y.size())));
    if (y.size() < kMinRows || held_out < 1 || y.size() - held_out < kMinRows / 2) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData,
                                          "elastic net: " + std::to_string(y.size()) + " rows, at least " +
                                              std::to_string(kMinRows) + " needed"});
    }
    const Eigen::Index train = y.size() - held_out;
    const Standardised head = standardise(x.topRows(train), y.head(train));
    const Eigen::VectorXd path = lambda_path(head, options);
    Eigen::VectorXd beta = Eigen::VectorXd::Zero(x.cols());
    double best_mse = std::numeric_limits<double>::infinity();
    double best_lambda = path[0];
    for (Eigen::Index k = 0; k < path.size(); ++k) {
        descend(head, path[k], options, beta);
        const ElasticNetFit candidate = unstandardise(head, beta, path[k]);
        const Eigen::VectorXd error =
            (x.bottomRows(held_out) * candidate.coefficients).array() + candidate.intercept - y.tail(held_out).array();
        const double mse = error.squaredNorm() / static_cast<double>(held_out);
        if (mse < best_mse) {
            best_mse = mse;
            best_lambda = path[k];
        }
    }
    // The whole path again on every row down to the chosen λ (warm starts keep it fast).
    const Standardised all = standardise(x, y);
    const Eigen::VectorXd full_path = lambda_path(all, options);
    beta.setZero();
    for (Eigen::Index k = 0; k < full_path.size() && full_path[k] >= best_lambda * (1.0 - 1e-12); ++k) {
        descend(all, full_path[k], options, beta);
    }
    descend(all, best_lambda, options, beta);
    ElasticNetFit fit = unstandardise(all, beta, best_lambda);
    fit.validation_mse = best_mse;
    fit.validation_rows = held_out;
    return fit;
}

} // namespace ihpa::model
