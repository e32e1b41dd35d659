#include "model/holt_winters.hpp"

#include "model/nelder_mead.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

namespace ihpa::model {

InitialState initial_state(const Eigen::Ref<const Eigen::VectorXd>& y, Eigen::Index period)
{
    InitialState init;
    if (period == 0) {
        const Eigen::Index k = std::min<Eigen::Index>(y.size(), 10);
        init.trend = k > 1 ? (y[k - 1] - y[0]) / static_cast<double>(k - 1) : 0.0;
        init.level = y[0] - init.trend;
        return init;
    }
    const double first = y.head(period).mean();
    const double second = y.segment(period, period).mean();
    init.trend = (second - first) / static_cast<double>(period);
    init.level = first - init.trend * static_cast<double>(period + 1) / 2.0;
    // Seasonal states: mean deviation from the cycle means over every full cycle.
    const Eigen::Index cycles = y.size() / period;
    init.season.assign(static_cast<std::size_t>(period), 0.0);
    for (Eigen::Index c = 0; c < cycles; ++c) {
        const auto cycle = y.segment(c * period, period);
        const double mean = cycle.mean();
        for (Eigen::Index i = 0; i < period; ++i) {
            init.season[static_cast<std::size_t>(i)] +=
                (cycle[i] - mean) / static_cast<double>(cycles);
        }
    }
    return init;
}

Eigen::VectorXd holt_winters_forecast(double level, double trend, double phi,
                                      const Eigen::Ref<const Eigen::VectorXd>& season,
                                      Eigen::Index steps)
{
    Eigen::VectorXd out(steps);
    double damped = 0.0;
    double power = 1.0;
    for (Eigen::Index h = 1; h <= steps; ++h) {
        power *= phi;
        damped += power;
        const double s = season.size() > 0 ? season[(h - 1) % season.size()] : 0.0;
        out[h - 1] = level + damped * trend + s;
    }
    return out;
}

namespace {

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double logit(double p) { return std::log(p / (1.0 - p)); }

/// The recursion of `SmoothingParams` with the seasonal states in a ring buffer: O(1) per
/// step, no allocation after construction.
class Smoother {
public:
    Smoother(Eigen::Index period, const SmoothingParams& p, double clip)
        : period_(period), p_(p), clip_(clip),
          season_(static_cast<std::size_t>(std::max<Eigen::Index>(period, 1)), 0.0)
    {
    }

    void reset(const InitialState& init, const SmoothingParams& p)
    {
        p_ = p;
        level_ = init.level;
        trend_ = init.trend;
        std::copy(init.season.begin(), init.season.end(), season_.begin());
        pos_ = 0;
        last_sign_ = 0;
    }

    /// Forecast h >= 1 steps after the last update.
    [[nodiscard]] double forecast(Eigen::Index h) const
    {
        double damped = 0.0;
        double power = 1.0;
        for (Eigen::Index i = 0; i < h; ++i) {
            power *= p_.phi;
            damped += power;
        }
        return level_ + damped * trend_ + seasonal(h);
    }

    /// Consumes y_t (weight 0: no update) and returns the one-step error (0 when masked).
    double update(double y, double weight)
    {
        const double s = seasonal(1);
        const double damped_trend = p_.phi * trend_;
        const double predicted = level_ + damped_trend + s;
        double error = y - predicted;
        if (weight <= 0.0) {
            level_ += damped_trend;
            trend_ = damped_trend;
            advance();
            return 0.0;
        }
        double used = error;
        if (clip_ > 0.0 && std::abs(error) > clip_) {
            const int sign = error > 0.0 ? 1 : -1;
            if (sign != last_sign_) {
                used = sign * clip_;
            }
            last_sign_ = sign;
        } else {
            last_sign_ = 0;
        }
        const double cleaned = predicted + used;
        const double previous = level_;
        level_ = p_.alpha * (cleaned - s) + (1.0 - p_.alpha) * (previous + damped_trend);
        trend_ = p_.beta * (level_ - previous) + (1.0 - p_.beta) * damped_trend;
        if (period_ > 0) {
            season_[pos_] = p_.gamma * (cleaned - previous - damped_trend) + (1.0 - p_.gamma) * s;
        }
        advance();
        return error;
    }

    [[nodiscard]] double level() const { return level_; }
    [[nodiscard]] double trend() const { return trend_; }
    [[nodiscard]] const SmoothingParams& params() const { return p_; }
    /// The seasonal states in time order: element i is the phase of the (i+1)-th next step.
    [[nodiscard]] Eigen::VectorXd season_ahead() const
    {
        Eigen::VectorXd out(period_);
        for (Eigen::Index i = 0; i < period_; ++i) {
            out[i] = seasonal(i + 1);
        }
        return out;
    }

private:
    [[nodiscard]] double seasonal(Eigen::Index h) const
    {
        if (period_ == 0) {
            return 0.0;
        }
        const auto m = static_cast<std::size_t>(period_);
        const std::size_t i = pos_ + static_cast<std::size_t>(h - 1);
        return season_[i < m ? i : i % m];
    }

    void advance()
    {
        if (period_ > 0 && ++pos_ == static_cast<std::size_t>(period_)) {
            pos_ = 0;
        }
    }

    Eigen::Index period_;
    SmoothingParams p_;
    double clip_;
    std::vector<double> season_;
    std::size_t pos_ = 0;
    double level_ = 0.0;
    double trend_ = 0.0;
    int last_sign_ = 0;
};

/// The forecast from the end of the data: damped trend plus the seasonal ring.
class HoltWintersPath final : public MeanPath {
public:
    HoltWintersPath(double level, double trend, double phi, Eigen::VectorXd season)
        : level_(level), trend_(trend), phi_(phi), season_(std::move(season))
    {
    }

    Eigen::VectorXd mean(Eigen::Index steps) const override
    {
        return holt_winters_forecast(level_, trend_, phi_, season_, steps);
    }

private:
    double level_;
    double trend_;
    double phi_;
    Eigen::VectorXd season_;
};

/// 1.4826 × median absolute first difference: a robust scale of one-step changes.
double robust_scale(const Eigen::Ref<const Eigen::VectorXd>& y)
{
    if (y.size() < 3) {
        return 0.0;
    }
    std::vector<double> diffs(static_cast<std::size_t>(y.size() - 1));
    for (Eigen::Index i = 1; i < y.size(); ++i) {
        diffs[static_cast<std::size_t>(i - 1)] = std::abs(y[i] - y[i - 1]);
    }
    const auto mid = diffs.begin() + static_cast<std::ptrdiff_t>(diffs.size() / 2);
    std::nth_element(diffs.begin(), mid, diffs.end());
    return 1.4826 * *mid;
}

} // namespace

SmoothingParams to_restricted(const Eigen::Vector4d& x, double phi_min, double phi_max)
{
    SmoothingParams p;
    p.alpha = logistic(x[0]);
    p.beta = p.alpha * logistic(x[1]);
    p.gamma = (1.0 - p.alpha) * logistic(x[2]);
    p.phi = phi_min + (phi_max - phi_min) * logistic(x[3]);
    return p;
}

Eigen::Vector4d to_unrestricted(const SmoothingParams& p, double phi_min, double phi_max)
{
    const double phi_share = phi_max > phi_min ? (p.phi - phi_min) / (phi_max - phi_min) : 0.5;
    return {logit(p.alpha), logit(p.beta / p.alpha), logit(p.gamma / (1.0 - p.alpha)),
            logit(phi_share)};
}

HoltWinters::HoltWinters(HoltWintersParams params) : params_(params) {}

std::expected<HoltWinters, ModelError> HoltWinters::create(HoltWintersParams params)
{
    const auto invalid = [](std::string message) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec, "holtWinters: " + message});
    };
    if (!(params.phi_min > 0.0 && params.phi_min <= params.phi_max && params.phi_max < 1.0)) {
        return invalid("need 0 < phi_min <= phi_max < 1");
    }
    if (!(params.window_cycles >= 2.0) || params.min_window < 10 ||
        !(params.warmup_cycles >= 0.0)) {
        return invalid("window_cycles must be >= 2, min_window >= 10 and warmup_cycles >= 0");
    }
    if (!(params.huber_k >= 0.0) || params.max_evaluations < 1 || params.max_period < 2) {
        return invalid("huber_k must be >= 0, max_evaluations >= 1, max_period >= 2");
    }
    return HoltWinters(params);
}

std::expected<ComponentRun, ModelError> HoltWinters::run(const ComponentInput& input) const
{
    Eigen::Index period = 0;
    for (const double p : params_.seasonal ? input.periods : std::vector<double>{}) {
        const auto steps = static_cast<Eigen::Index>(std::llround(p));
        if (steps <= params_.max_period && 2 * steps <= input.n_fit) {
            period = steps;
            break;
        }
    }
    return run_with_period(input, period);
}

std::expected<ComponentRun, ModelError>
HoltWinters::run_with_period(const ComponentInput& input, Eigen::Index period) const
{
    const Eigen::Index needed = period > 0 ? 2 * period : 10;
    if (input.n_fit < needed) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData,
                                          "holtWinters: needs " + std::to_string(needed) +
                                              " points before the validation window"});
    }
    const auto wanted = std::max(
        params_.min_window,
        static_cast<Eigen::Index>(params_.window_cycles * static_cast<double>(period)));
    const Eigen::Index window = std::clamp(wanted, needed, input.n_fit);
    const Eigen::Index start = input.n_fit - window;
    const auto y = input.y.segment(start, window);
    const auto w = input.weight.segment(start, window);
    const double clip = params_.huber_k * robust_scale(y);
    Smoother smoother(period, SmoothingParams{}, clip);
    const auto warmup = std::min(
        start, std::max(params_.min_window, static_cast<Eigen::Index>(
                                                params_.warmup_cycles *
                                                static_cast<double>(period))));
    InitialState init;
    if (warmup >= needed) {
        const auto before = input.y.segment(start - warmup, warmup);
        smoother.reset(initial_state(before, period), SmoothingParams{});
        for (Eigen::Index t = start - warmup; t < start; ++t) {
            smoother.update(input.y[t], input.weight[t]);
        }
        init.level = smoother.level();
        init.trend = smoother.trend();
        const Eigen::VectorXd season = period > 0 ? smoother.season_ahead() : Eigen::VectorXd();
        init.season.assign(season.data(), season.data() + season.size());
    } else {
        init = initial_state(y, period);
    }
    const auto sse_of = [&](const SmoothingParams& p) {
        smoother.reset(init, p);
        double sse = 0.0;
        for (Eigen::Index t = 0; t < window; ++t) {
            const double e = smoother.update(y[t], w[t]);
            sse += e * e;
        }
        return sse;
    };
    const auto objective = [&](const Eigen::VectorXd& x) {
        return sse_of(to_restricted(x, params_.phi_min, params_.phi_max));
    };
    Eigen::VectorXd start_x = to_unrestricted(SmoothingParams{}, params_.phi_min, params_.phi_max);
    if (period == 0) {
        start_x[2] = -30.0; // γ ≈ 0: the seasonal coordinate is unused
    }
    const NelderMeadResult best =
        nelder_mead(objective, start_x, {.max_evaluations = params_.max_evaluations});
    const SmoothingParams fitted = to_restricted(best.x, params_.phi_min, params_.phi_max);

    ComponentRun out;
    out.stats.sse = sse_of(fitted);
    out.stats.n_obs = static_cast<Eigen::Index>(w.sum());
    const auto k = static_cast<double>(period > 0 ? 4 + period + 2 : 3 + 2);
    const auto n_obs = static_cast<double>(std::max<Eigen::Index>(out.stats.n_obs, 1));
    out.stats.aic = n_obs * std::log(std::max(out.stats.sse, 1e-300) / n_obs) + 2.0 * k;
    out.stats.parameters = Eigen::Vector4d(fitted.alpha, fitted.beta, fitted.gamma, fitted.phi);
    std::ostringstream description;
    description << "holtWinters(alpha=" << fitted.alpha << ",beta=" << fitted.beta
                << ",gamma=" << fitted.gamma << ",phi=" << fitted.phi << ",period=" << period
                << ")";
    out.stats.description = description.str();

    // States continue through the validation window with the fitted parameters.
    const Eigen::Index n = input.y.size();
    out.validation.resize(n - input.n_fit, input.horizons);
    for (Eigen::Index t = input.n_fit; t <= n; ++t) {
        const Eigen::Index row = t - input.n_fit;
        if (row < out.validation.rows()) {
            for (Eigen::Index h = 1; h <= input.horizons; ++h) {
                out.validation(row, h - 1) = smoother.forecast(h);
            }
        }
        if (t < n) {
            smoother.update(input.y[t], input.weight[t]);
        }
    }
    out.final_path = std::make_shared<const HoltWintersPath>(
        smoother.level(), smoother.trend(), fitted.phi, smoother.season_ahead());
    return out;
}

} // namespace ihpa::model
