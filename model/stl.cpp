#include "model/stl.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

namespace ihpa::model {
namespace {

/// A mean path plus a repeating seasonal pattern (element 0 is the phase of horizon 1).
class SeasonalPath final : public MeanPath {
public:
    SeasonalPath(std::shared_ptr<const MeanPath> adjusted, Eigen::VectorXd season)
        : adjusted_(std::move(adjusted)), season_(std::move(season))
    {
    }

    Eigen::VectorXd mean(Eigen::Index steps) const override
    {
        Eigen::VectorXd out = adjusted_->mean(steps);
        for (Eigen::Index h = 0; h < steps; ++h) {
            out[h] += season_[h % season_.size()];
        }
        return out;
    }

private:
    std::shared_ptr<const MeanPath> adjusted_;
    Eigen::VectorXd season_;
};

double median_of(std::vector<double> values)
{
    const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

} // namespace

Eigen::VectorXd robust_seasonal(const Eigen::Ref<const Eigen::VectorXd>& y, Eigen::Index period,
                                double cycles, int iterations)
{
    const Eigen::Index n = y.size();
    const Eigen::Index m = period;
    // Centred 2×m moving average (m even) or m moving average (m odd), by prefix sums.
    Eigen::VectorXd sums(n + 1);
    sums[0] = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        sums[i + 1] = sums[i] + y[i];
    }
    const Eigen::Index half = m / 2;
    const auto window_mean = [&](Eigen::Index from, Eigen::Index count) {
        return (sums[from + count] - sums[from]) / static_cast<double>(count);
    };
    const Eigen::Index first = half;
    const Eigen::Index last = n - 1 - half; // trend defined on [first, last]
    const Eigen::Index used_cycles = std::max<Eigen::Index>(
        1, std::min<Eigen::Index>(static_cast<Eigen::Index>(cycles), (last - first + 1) / m));
    const Eigen::Index begin = std::max(first, last + 1 - used_cycles * m);
    Eigen::VectorXd detrended(last + 1 - begin);
    for (Eigen::Index t = begin; t <= last; ++t) {
        const double trend = m % 2 == 1 ? window_mean(t - half, m)
                                        : 0.5 * (window_mean(t - half, m) +
                                                 window_mean(t - half + 1, m));
        detrended[t - begin] = y[t] - trend;
    }
    // Start from the per-phase medians (a robust start), then bisquare-weighted means.
    Eigen::VectorXd season(m);
    std::vector<double> phase_values;
    for (Eigen::Index p = 0; p < m; ++p) {
        phase_values.clear();
        for (Eigen::Index i = (p - begin % m + m) % m; i < detrended.size(); i += m) {
            phase_values.push_back(detrended[i]);
        }
        season[p] = phase_values.empty() ? 0.0 : median_of(phase_values);
    }
    Eigen::VectorXd weight(detrended.size());
    std::vector<double> residuals(static_cast<std::size_t>(detrended.size()));
    for (int pass = 0; pass < iterations; ++pass) {
        // Bisquare robustness weights, Cleveland et al. 1990, eq. (6): h = 6 median |r|.
        for (Eigen::Index i = 0; i < detrended.size(); ++i) {
            residuals[static_cast<std::size_t>(i)] =
                std::abs(detrended[i] - season[(begin + i) % m]);
        }
        const double h = 6.0 * median_of(residuals);
        for (Eigen::Index i = 0; i < detrended.size(); ++i) {
            const double r = residuals[static_cast<std::size_t>(i)];
            const double u = h > 0.0 ? r / h : (r > 0.0 ? 1.0 : 0.0);
            weight[i] = u < 1.0 ? (1.0 - u * u) * (1.0 - u * u) : 0.0;
        }
        Eigen::VectorXd sum = Eigen::VectorXd::Zero(m);
        Eigen::VectorXd total = Eigen::VectorXd::Zero(m);
        for (Eigen::Index i = 0; i < detrended.size(); ++i) {
            const Eigen::Index phase = (begin + i) % m;
            sum[phase] += weight[i] * detrended[i];
            total[phase] += weight[i];
        }
        for (Eigen::Index p = 0; p < m; ++p) {
            if (total[p] > 0.0) {
                season[p] = sum[p] / total[p];
            }
        }
    }
    season.array() -= season.mean();
    return season;
}

Stl::Stl(StlParams params) : params_(params), smoother_(params.smoothing) {}

std::expected<Stl, ModelError> Stl::create(StlParams params)
{
    if (!(params.seasonal_cycles >= 2.0) || params.robust_iterations < 0 ||
        params.max_period < 2) {
        return std::unexpected(
            ModelError{ModelError::Kind::InvalidSpec,
                       "stl: need seasonal_cycles >= 2, robust_iterations >= 0, max_period >= 2"});
    }
    const auto smoothing = HoltWinters::create(params.smoothing);
    if (!smoothing) {
        return std::unexpected(smoothing.error());
    }
    return Stl(params);
}

std::expected<ComponentRun, ModelError> Stl::run(const ComponentInput& input) const
{
    Eigen::Index period = 0;
    for (const double p : input.periods) {
        const auto steps = static_cast<Eigen::Index>(std::llround(p));
        if (steps >= 2 && steps <= params_.max_period && 2 * steps <= input.n_fit) {
            period = steps;
            break;
        }
    }
    // Without a period the decomposition has no seasonal part: damped Holt alone.
    const Eigen::VectorXd season =
        period == 0 ? Eigen::VectorXd::Zero(1)
                    : robust_seasonal(input.y.head(input.n_fit), period,
                                      params_.seasonal_cycles, params_.robust_iterations);
    period = std::max<Eigen::Index>(period, 1);
    const Eigen::Index n = input.y.size();
    Eigen::VectorXd adjusted(n);
    for (Eigen::Index t = 0; t < n; ++t) {
        adjusted[t] = input.y[t] - season[t % period];
    }
    ComponentInput adjusted_input{adjusted,         input.weight,       input.n_fit,
                                  input.horizons,   input.step_seconds, {}};
    auto run = smoother_.run_with_period(adjusted_input, 0);
    if (!run) {
        return std::unexpected(run.error());
    }
    for (Eigen::Index k = 0; k < run->validation.rows(); ++k) {
        for (Eigen::Index h = 1; h <= input.horizons; ++h) {
            run->validation(k, h - 1) += season[(input.n_fit - 1 + k + h) % period];
        }
    }
    Eigen::VectorXd ahead(period);
    for (Eigen::Index h = 1; h <= period; ++h) {
        ahead[h - 1] = season[(n - 1 + h) % period];
    }
    run->final_path = std::make_shared<const SeasonalPath>(std::move(run->final_path), ahead);
    std::ostringstream description;
    description << "stl(period=" << period << ", " << run->stats.description << ")";
    run->stats.description = description.str();
    return run;
}

} // namespace ihpa::model
