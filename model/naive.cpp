#include "model/naive.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ihpa::model {
namespace {

/// Linear-interpolated empirical quantile of `values` (sorted in place), q in [0, 1].
double empirical_quantile(std::vector<double>& values, double q)
{
    std::sort(values.begin(), values.end());
    const double pos = q * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, values.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    return values[lo] + frac * (values[hi] - values[lo]);
}

class NaiveFit final : public FittedModel {
public:
    NaiveFit(Eigen::VectorXd values, double last, FitStats stats)
        : values_(std::move(values)), last_(last), stats_(std::move(stats))
    {
    }

    Forecast forecast(Eigen::Index steps) const override
    {
        Forecast out{Eigen::VectorXd::Constant(steps, last_), Eigen::VectorXd::Constant(steps, last_),
                     Eigen::VectorXd::Constant(steps, last_)};
        for (Eigen::Index h = 1; h <= steps; ++h) {
            std::vector<double> changes;
            for (Eigen::Index t = 0; t + h < values_.size(); ++t) {
                const double d = values_[t + h] - values_[t];
                if (std::isfinite(d)) {
                    changes.push_back(d);
                }
            }
            if (changes.size() < 2) {
                continue;
            }
            const double lo = empirical_quantile(changes, 0.1);
            const double hi = empirical_quantile(changes, 0.9);
            out.lower[h - 1] = last_ + std::min(lo, 0.0);
            out.upper[h - 1] = last_ + std::max(hi, 0.0);
        }
        return out;
    }

    const FitStats& stats() const override { return stats_; }

private:
    Eigen::VectorXd values_;
    double last_;
    FitStats stats_;
};

} // namespace

std::expected<std::shared_ptr<const FittedModel>, ModelError> Naive::fit(const Series& series) const
{
    const Eigen::VectorXd& y = series.values;
    Eigen::Index last = y.size() - 1;
    while (last >= 0 && !std::isfinite(y[last])) {
        --last;
    }
    if (last < 0) {
        return std::unexpected(
            ModelError{ModelError::Kind::NotEnoughData, "naive: the series has no finite value"});
    }
    FitStats stats;
    stats.description = "naive";
    stats.aic = std::nan("");
    for (Eigen::Index t = 1; t <= last; ++t) {
        const double d = y[t] - y[t - 1];
        if (std::isfinite(d)) {
            stats.sse += d * d;
            ++stats.n_obs;
        }
    }
    return std::make_shared<const NaiveFit>(y.head(last + 1), y[last], std::move(stats));
}

} // namespace ihpa::model
