#pragma once

#include "model/component.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <expected>
#include <vector>

namespace ihpa::model {

/// Smoothing parameters in the form of statsmodels' ExponentialSmoothing (Hyndman &
/// Athanasopoulos, FPP3 §8.3, damped additive trend with additive seasonality):
///   l_t = α (y_t − s_{t−m}) + (1 − α)(l_{t−1} + φ b_{t−1})
///   b_t = β (l_t − l_{t−1}) + (1 − β) φ b_{t−1}
///   s_t = γ (y_t − l_{t−1} − φ b_{t−1}) + (1 − γ) s_{t−m}
///   ŷ_{t+h|t} = l_t + (φ + … + φ^h) b_t + s_{t+h−m(k+1)}, k = ⌊(h−1)/m⌋.
struct SmoothingParams {
    double alpha = 0.5; ///< smoothing_level, in (0, 1)
    double beta = 0.05; ///< smoothing_trend, in (0, alpha)
    double gamma = 0.1; ///< smoothing_seasonal, in (0, 1 − alpha)
    double phi = 0.9;   ///< damping_trend, in [phi_min, phi_max]
};

/// Specification of the Holt-Winters model.
struct HoltWintersParams {
    double phi_min = 0.8;           ///< damping range (FPP3 §8.2 recommends 0.8–0.98)
    double phi_max = 0.98;
    double window_cycles = 2.0;     ///< parameters are fitted on this many recent cycles...
    Eigen::Index min_window = 240;  ///< ...and at least this many points
    double warmup_cycles = 12.0;    ///< states entering the window: classical start this many
                                    ///< cycles (or min_window points) earlier, then smoothed
    Eigen::Index max_period = 2016; ///< longer periods are left to the Fourier model
    double huber_k = 3.0;           ///< one-step errors beyond k robust sigmas are clipped (0: off)
    int max_evaluations = 80;       ///< Nelder–Mead budget
    bool seasonal = true;           ///< false: damped Holt whatever the detected periods
};

/// Maps unrestricted optimiser coordinates to the constrained parameters (statsmodels
/// `to_restricted`): α = σ(x0), β = α σ(x1), γ = (1 − α) σ(x2), φ = φmin + (φmax − φmin) σ(x3),
/// with σ the logistic function. Without seasonality x2 is ignored (γ = 0).
[[nodiscard]] SmoothingParams to_restricted(const Eigen::Vector4d& x, double phi_min,
                                            double phi_max);

/// The inverse of `to_restricted` for parameters strictly inside their ranges.
[[nodiscard]] Eigen::Vector4d to_unrestricted(const SmoothingParams& p, double phi_min,
                                              double phi_max);

/// Initial states (classical decomposition, FPP3 §8.3 / Hyndman et al. 2008 §2.6.1): level and
/// trend from the means of the first two cycles, seasonal states from the mean deviations of
/// every full cycle from its mean; without seasonality, the first ten points.
struct InitialState {
    double level = 0.0; ///< the level "before" y[0]
    double trend = 0.0;
    std::vector<double> season; ///< season[i] for phase i of y[0 .. m)
};

/// The classical initial states of `y` (at least two cycles of `period`, or one point when
/// `period` is 0).
[[nodiscard]] InitialState initial_state(const Eigen::Ref<const Eigen::VectorXd>& y,
                                         Eigen::Index period);

/// ŷ_{n+h} = l + (φ + … + φ^h) b + s_{(h−1) mod m} for h = 1..steps from final states; `season`
/// holds the seasonal states of horizons 1..m (empty without seasonality).
[[nodiscard]] Eigen::VectorXd holt_winters_forecast(double level, double trend, double phi,
                                                    const Eigen::Ref<const Eigen::VectorXd>& season,
                                                    Eigen::Index steps);

/// Damped additive Holt-Winters, α, β, γ, φ fitted by minimising the SSE over a recent window
/// with Nelder–Mead on the unrestricted scale. When the history before that window holds two
/// cycles (or 10 points without seasonality), the states entering the window are not the
/// classical start on the window itself but the result of smoothing, with the default
/// parameters, from a classical start on up to `warmup_cycles` cycles before it: the seasonal
/// states then average many cycles while each objective evaluation still runs over the window
/// only. Period: the strongest detected one up to
/// `max_period` that the window holds twice; without one, damped Holt (no seasonality).
class HoltWinters final : public Component {
public:
    /// Keeps `params`; see `create`.
    explicit HoltWinters(HoltWintersParams params);

    /// InvalidSpec unless 0 < phi_min <= phi_max < 1, window_cycles >= 2, warmup_cycles >= 0,
    /// huber_k >= 0 and the
    /// budget is positive.
    [[nodiscard]] static std::expected<HoltWinters, ModelError> create(HoltWintersParams params);

    /// Fits with `period` (0: none) and runs; NotEnoughData for fewer than two cycles (or ten
    /// points without seasonality) before the validation window.
    [[nodiscard]] std::expected<ComponentRun, ModelError>
    run_with_period(const ComponentInput& input, Eigen::Index period) const;

    /// Chooses the period from `input.periods` (none when not `seasonal`), then
    /// `run_with_period`.
    [[nodiscard]] std::expected<ComponentRun, ModelError>
    run(const ComponentInput& input) const override;

private:
    HoltWintersParams params_;
};

} // namespace ihpa::model
