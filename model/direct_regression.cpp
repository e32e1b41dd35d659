#include "model/direct_regression.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace ihpa::model {
namespace {

/// The features of origin t for horizon h: the intercept, the last change, the deviation from
/// the mean of the last `level_window` points and, per period p (in steps), the change of the
/// previous cycles over the same offsets and the deviation from them, looking back whole
/// cycles so that no feature reads past t.
class Features {
public:
    Features(std::vector<Eigen::Index> periods, Eigen::Index level_window, Eigen::Index horizons)
        : periods_(std::move(periods)), level_window_(level_window), horizons_(horizons)
    {
    }

    [[nodiscard]] Eigen::Index size() const
    {
        return 3 + 2 * static_cast<Eigen::Index>(periods_.size());
    }

    /// The earliest origin whose features exist.
    [[nodiscard]] Eigen::Index first_origin() const
    {
        Eigen::Index first = level_window_;
        for (const Eigen::Index p : periods_) {
            first = std::max(first, p * ((horizons_ + p - 1) / p));
        }
        return first;
    }

    /// Writes the features of (t, h) into `row`; y must hold y[0..t].
    void at(const Eigen::Ref<const Eigen::VectorXd>& y, Eigen::Index t, Eigen::Index h,
            Eigen::Ref<Eigen::VectorXd> row) const
    {
        row[0] = 1.0;
        row[1] = y[t] - y[t - 1];
        row[2] = y[t] - y.segment(t - level_window_ + 1, level_window_).mean();
        Eigen::Index i = 3;
        for (const Eigen::Index p : periods_) {
            const Eigen::Index back = p * ((h + p - 1) / p); // whole cycles, so t + h - back <= t
            row[i++] = y[t + h - back] - y[t - back];
            row[i++] = y[t] - y[t - p];
        }
    }

private:
    std::vector<Eigen::Index> periods_;
    Eigen::Index level_window_;
    Eigen::Index horizons_; ///< the largest horizon asked for
};

class DirectPath final : public MeanPath {
public:
    DirectPath(Eigen::VectorXd tail, Features features, Eigen::MatrixXd coefficients)
        : tail_(std::move(tail)), features_(std::move(features)),
          coefficients_(std::move(coefficients))
    {
    }

    Eigen::VectorXd mean(Eigen::Index steps) const override
    {
        Eigen::VectorXd out(steps);
        Eigen::VectorXd row(features_.size());
        const Eigen::Index t = tail_.size() - 1;
        for (Eigen::Index h = 1; h <= steps; ++h) {
            if (h > coefficients_.cols()) {
                out[h - 1] = out[h - 2]; // flat beyond the fitted horizons
                continue;
            }
            features_.at(tail_, t, h, row);
            out[h - 1] = tail_[t] + row.dot(coefficients_.col(h - 1));
        }
        return out;
    }

private:
    Eigen::VectorXd tail_;
    Features features_;
    Eigen::MatrixXd coefficients_;
};

} // namespace

DirectRegression::DirectRegression(DirectRegressionParams params) : params_(params) {}

std::expected<DirectRegression, ModelError> DirectRegression::create(DirectRegressionParams params)
{
    if (params.training_rows <= 0 || params.level_window <= 1 || !(params.ridge >= 0.0)) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                          "directRegression: training_rows must be positive, "
                                          "level_window at least 2 and ridge not negative"});
    }
    return DirectRegression(params);
}

std::expected<ComponentRun, ModelError> DirectRegression::run(const ComponentInput& input) const
{
    // The two strongest periods whose look-back leaves a day's worth of training origins (at
    // least 96) in the prefix.
    std::vector<Eigen::Index> periods;
    for (const double period : input.periods) {
        const Eigen::Index p = std::max<Eigen::Index>(2, std::llround(period));
        const Eigen::Index back = p * ((input.horizons + p - 1) / p);
        if (periods.size() < 2 && input.n_fit - 1 - input.horizons - back >= 96) {
            periods.push_back(p);
        }
    }
    const Features features(periods, params_.level_window, input.horizons);
    const Eigen::Index k = features.size();
    const Eigen::Index first = features.first_origin();
    const Eigen::Index horizons = input.horizons;
    if (input.n_fit - 1 - horizons - first < 4 * k) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData,
                                          "directRegression: too few points for its coefficients"});
    }
    const auto& y = input.y;
    Eigen::MatrixXd coefficients(k, horizons);
    Eigen::VectorXd row(k);
    for (Eigen::Index h = 1; h <= horizons; ++h) {
        const Eigen::Index last = input.n_fit - 1 - h;
        const Eigen::Index from = std::max(first, last - params_.training_rows + 1);
        Eigen::MatrixXd xtx = Eigen::MatrixXd::Zero(k, k);
        Eigen::VectorXd xty = Eigen::VectorXd::Zero(k);
        for (Eigen::Index t = from; t <= last; ++t) {
            if (input.weight[t + h] <= 0.0 || input.weight[t] <= 0.0) {
                continue;
            }
            features.at(y, t, h, row);
            xtx.selfadjointView<Eigen::Lower>().rankUpdate(row);
            xty += row * (y[t + h] - y[t]);
        }
        xtx.triangularView<Eigen::StrictlyUpper>() = xtx.transpose();
        const double scale = xtx.diagonal().tail(k - 1).mean();
        xtx.diagonal().tail(k - 1).array() += params_.ridge * std::max(scale, 1e-12);
        xtx(0, 0) += 1e-9 * std::max(xtx(0, 0), 1.0);
        coefficients.col(h - 1) = xtx.ldlt().solve(xty);
    }
    ComponentRun out;
    for (Eigen::Index t = std::max(first, input.n_fit - 1 - params_.training_rows); t + 1 < input.n_fit;
         ++t) {
        if (input.weight[t + 1] > 0.0 && input.weight[t] > 0.0) {
            features.at(y, t, 1, row);
            const double e = y[t + 1] - y[t] - row.dot(coefficients.col(0));
            out.stats.sse += e * e;
            ++out.stats.n_obs;
        }
    }
    out.validation.resize(y.size() - input.n_fit, horizons);
    for (Eigen::Index r = 0; r < out.validation.rows(); ++r) {
        const Eigen::Index t = input.n_fit - 1 + r;
        for (Eigen::Index h = 1; h <= horizons; ++h) {
            features.at(y, t, h, row);
            out.validation(r, h - 1) = y[t] + row.dot(coefficients.col(h - 1));
        }
    }
    out.stats.aic = std::nan("");
    out.stats.description = "directRegression(periods=" + std::to_string(periods.size()) +
                            ",features=" + std::to_string(k) + ")";
    out.final_path = std::make_shared<const DirectPath>(y.tail(first + 1), features,
                                                        std::move(coefficients));
    return out;
}

} // namespace ihpa::model
