#include "model/seasonal_naive.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace ihpa::model {
namespace {

/// Seasonal naive with level shift over `y` (the last points of the series at least), using
/// prefix sums `sums` (sums[i] = y[0] + ... + y[i-1]) for the level windows.
class SeasonalNaiveKernel {
public:
    SeasonalNaiveKernel(Eigen::Index period, Eigen::Index window)
        : period_(period), window_(window)
    {
    }

    /// Earliest origin with a full level window one period earlier.
    [[nodiscard]] Eigen::Index first_origin() const { return period_ + window_ - 1; }

    /// Forecast of y[t + h] made at origin t (t >= first_origin()).
    [[nodiscard]] double at(const Eigen::Ref<const Eigen::VectorXd>& y,
                            const Eigen::VectorXd& sums, Eigen::Index t, Eigen::Index h) const
    {
        const Eigen::Index cycles = (h + period_ - 1) / period_;
        const double now = sums[t + 1] - sums[t + 1 - window_];
        const double then = sums[t + 1 - period_] - sums[t + 1 - period_ - window_];
        return y[t + h - cycles * period_] + (now - then) / static_cast<double>(window_);
    }

private:
    Eigen::Index period_;
    Eigen::Index window_;
};

Eigen::VectorXd prefix_sums(const Eigen::Ref<const Eigen::VectorXd>& y)
{
    Eigen::VectorXd sums(y.size() + 1);
    sums[0] = 0.0;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        sums[i + 1] = sums[i] + y[i];
    }
    return sums;
}

class SeasonalNaivePath final : public MeanPath {
public:
    SeasonalNaivePath(Eigen::VectorXd tail, SeasonalNaiveKernel kernel)
        : tail_(std::move(tail)), sums_(prefix_sums(tail_)), kernel_(kernel)
    {
    }

    Eigen::VectorXd mean(Eigen::Index steps) const override
    {
        Eigen::VectorXd out(steps);
        const Eigen::Index t = tail_.size() - 1;
        for (Eigen::Index h = 1; h <= steps; ++h) {
            out[h - 1] = kernel_.at(tail_, sums_, t, h);
        }
        return out;
    }

private:
    Eigen::VectorXd tail_;
    Eigen::VectorXd sums_;
    SeasonalNaiveKernel kernel_;
};

} // namespace

SeasonalNaive::SeasonalNaive(SeasonalNaiveParams params) : params_(params) {}

std::expected<SeasonalNaive, ModelError> SeasonalNaive::create(SeasonalNaiveParams params)
{
    if (params.fallback_period_seconds <= 0) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                          "seasonalNaive: fallback_period_seconds must be > 0"});
    }
    if (!(params.level_window_share >= 0.0 && params.level_window_share <= 1.0)) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                          "seasonalNaive: level_window_share must be in [0, 1]"});
    }
    return SeasonalNaive(params);
}

std::expected<ComponentRun, ModelError> SeasonalNaive::run(const ComponentInput& input) const
{
    if (input.periods.empty() && !input.default_period_allowed) {
        return std::unexpected(no_period_error("seasonalNaive"));
    }
    const double period_steps =
        input.periods.empty() ? static_cast<double>(params_.fallback_period_seconds) /
                                    static_cast<double>(input.step_seconds)
                              : input.periods.front();
    const auto period = std::max<Eigen::Index>(1, std::llround(period_steps));
    const auto window = std::max<Eigen::Index>(
        1, static_cast<Eigen::Index>(params_.level_window_share * static_cast<double>(period)));
    const SeasonalNaiveKernel kernel(period, window);
    if (input.n_fit - 1 < kernel.first_origin()) {
        return std::unexpected(ModelError{
            ModelError::Kind::NotEnoughData,
            "seasonalNaive: needs more than one period (" + std::to_string(period) + " steps)"});
    }
    const Eigen::Index n = input.y.size();
    const Eigen::VectorXd sums = prefix_sums(input.y);
    ComponentRun out;
    out.validation.resize(n - input.n_fit, input.horizons);
    for (Eigen::Index k = 0; k < out.validation.rows(); ++k) {
        for (Eigen::Index h = 1; h <= input.horizons; ++h) {
            out.validation(k, h - 1) = kernel.at(input.y, sums, input.n_fit - 1 + k, h);
        }
    }
    for (Eigen::Index t = kernel.first_origin(); t + 1 < input.n_fit; ++t) {
        if (input.weight[t + 1] > 0.0) {
            const double e = input.y[t + 1] - kernel.at(input.y, sums, t, 1);
            out.stats.sse += e * e;
            ++out.stats.n_obs;
        }
    }
    out.stats.aic = std::nan("");
    out.stats.description = "seasonalNaive(period=" + std::to_string(period) +
                            ",level_window=" + std::to_string(window) + ")";
    out.final_path = std::make_shared<const SeasonalNaivePath>(
        input.y.tail(kernel.first_origin() + 1), kernel);
    return out;
}

} // namespace ihpa::model
