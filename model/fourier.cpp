#include "model/fourier.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

namespace ihpa::model {
namespace {

/// The regression terms at time index t (relative to the window start).
class Design {
public:
    Design(std::vector<double> periods, int max_harmonics, double time_scale)
        : periods_(std::move(periods)), time_scale_(time_scale)
    {
        for (const double p : periods_) {
            harmonics_.push_back(std::max(1, std::min(max_harmonics,
                                                      static_cast<int>(std::floor(p / 2.0)))));
        }
    }

    [[nodiscard]] Eigen::Index columns() const
    {
        Eigen::Index c = 2;
        for (const int k : harmonics_) {
            c += 2 * k;
        }
        return c;
    }

    /// Writes the terms at time t into `row` (size columns()).
    template <class Row> void fill(double t, Row&& row) const
    {
        row[0] = 1.0;
        row[1] = t / time_scale_;
        Eigen::Index c = 2;
        for (std::size_t i = 0; i < periods_.size(); ++i) {
            const double omega = 2.0 * std::numbers::pi * t / periods_[i];
            const double s1 = std::sin(omega);
            const double c1 = std::cos(omega);
            double s = s1;
            double co = c1;
            for (int k = 1; k <= harmonics_[i]; ++k) {
                row[c++] = s;
                row[c++] = co;
                const double next_s = s * c1 + co * s1; // angle addition
                co = co * c1 - s * s1;
                s = next_s;
            }
        }
    }

private:
    std::vector<double> periods_;
    std::vector<int> harmonics_;
    double time_scale_;
};

/// The regression from the end of the data, shifted by the last residual.
class FourierPath final : public MeanPath {
public:
    FourierPath(Design design, Eigen::VectorXd beta, double origin_time, double residual)
        : design_(std::move(design)), beta_(std::move(beta)), origin_time_(origin_time),
          residual_(residual)
    {
    }

    Eigen::VectorXd mean(Eigen::Index steps) const override
    {
        Eigen::VectorXd out(steps);
        Eigen::VectorXd row(beta_.size());
        for (Eigen::Index h = 1; h <= steps; ++h) {
            design_.fill(origin_time_ + static_cast<double>(h), row);
            out[h - 1] = row.dot(beta_) + residual_;
        }
        return out;
    }

private:
    Design design_;
    Eigen::VectorXd beta_;
    double origin_time_;
    double residual_;
};

} // namespace

Fourier::Fourier(FourierParams params) : params_(params) {}

std::expected<Fourier, ModelError> Fourier::create(FourierParams params)
{
    if (params.max_harmonics < 1 || !(params.fit_cycles >= 1.0) || !(params.long_cycles >= 1.0) ||
        !(params.ridge >= 0.0) || params.fallback_period_seconds <= 0) {
        return std::unexpected(ModelError{
            ModelError::Kind::InvalidSpec,
            "fourier: need max_harmonics >= 1, cycle counts >= 1, ridge >= 0, fallback > 0"});
    }
    return Fourier(params);
}

std::expected<ComponentRun, ModelError> Fourier::run(const ComponentInput& input) const
{
    std::vector<double> periods;
    for (const double p : input.periods) {
        if (2.0 * p <= static_cast<double>(input.n_fit)) {
            periods.push_back(p);
        }
    }
    if (periods.empty() && !input.default_period_allowed) {
        return std::unexpected(no_period_error("fourier"));
    }
    if (periods.empty()) {
        periods.push_back(static_cast<double>(params_.fallback_period_seconds) /
                          static_cast<double>(input.step_seconds));
    }
    std::sort(periods.begin(), periods.end());
    if (periods.front() < 2.0 || 2.0 * periods.front() > static_cast<double>(input.n_fit)) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData,
                                          "fourier: needs two cycles before the validation window"});
    }
    const double wanted =
        std::max(params_.fit_cycles * periods.front(), params_.long_cycles * periods.back());
    const Eigen::Index window =
        std::min(input.n_fit, static_cast<Eigen::Index>(std::ceil(wanted)));
    const Eigen::Index start = input.n_fit - window;
    const Design design(periods, params_.max_harmonics, static_cast<double>(window));
    const Eigen::Index p = design.columns();

    Eigen::MatrixXd x(window, p);
    for (Eigen::Index t = 0; t < window; ++t) {
        design.fill(static_cast<double>(t), x.row(t));
        x.row(t) *= input.weight[start + t];
    }
    const Eigen::VectorXd y =
        input.y.segment(start, window).cwiseProduct(input.weight.segment(start, window));
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(p, p);
    gram.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
    const double penalty = params_.ridge * gram.diagonal().mean();
    gram.diagonal().tail(p - 1).array() += penalty; // the intercept is not penalised
    const Eigen::VectorXd beta =
        gram.selfadjointView<Eigen::Lower>().ldlt().solve(x.transpose() * y);
    if (!beta.allFinite()) {
        return std::unexpected(
            ModelError{ModelError::Kind::NumericalFailure, "fourier: singular regression"});
    }

    const Eigen::VectorXd residual = y - x * beta;
    const double r0 = residual.squaredNorm();

    ComponentRun out;
    out.stats.sse = r0;
    out.stats.n_obs = static_cast<Eigen::Index>(input.weight.segment(start, window).sum());
    const auto n_obs = static_cast<double>(std::max<Eigen::Index>(out.stats.n_obs, 1));
    out.stats.aic = n_obs * std::log(std::max(r0, 1e-300) / n_obs) +
                    2.0 * static_cast<double>(p + 1);
    out.stats.parameters = beta;
    std::ostringstream description;
    description << "fourier(periods=";
    for (std::size_t i = 0; i < periods.size(); ++i) {
        description << (i > 0 ? "/" : "") << periods[i];
    }
    description << ",terms=" << p << ")";
    out.stats.description = description.str();

    const Eigen::Index n = input.y.size();
    const Eigen::Index horizons = input.horizons;
    out.validation.resize(n - input.n_fit, horizons);
    Eigen::VectorXd row(p);
    // Regression values for every time the validation needs: origins and their horizons.
    Eigen::VectorXd fitted(n - input.n_fit + horizons + 1);
    for (Eigen::Index i = 0; i < fitted.size(); ++i) {
        design.fill(static_cast<double>(input.n_fit - 1 - start + i), row);
        fitted[i] = row.dot(beta);
    }
    for (Eigen::Index k = 0; k < out.validation.rows(); ++k) {
        const double r = input.y[input.n_fit - 1 + k] - fitted[k];
        for (Eigen::Index h = 1; h <= horizons; ++h) {
            out.validation(k, h - 1) = fitted[k + h] + r;
        }
    }
    const double last_time = static_cast<double>(n - 1 - start);
    design.fill(last_time, row);
    out.final_path = std::make_shared<const FourierPath>(design, beta, last_time,
                                                         input.y[n - 1] - row.dot(beta));
    return out;
}

} // namespace ihpa::model
