#pragma once

#include "model/component.hpp"
#include "model/holt_winters.hpp"

#include <Eigen/Core>

#include <expected>

namespace ihpa::model {

/// Specification of the decomposition + exponential smoothing forecaster.
struct StlParams {
    double seasonal_cycles = 6.0;  ///< cycles averaged for the seasonal component (recent ones)
    int robust_iterations = 2;     ///< bisquare reweighting passes (0: per-phase medians)
    Eigen::Index max_period = 2016; ///< longer periods are left to the Fourier model
    HoltWintersParams smoothing{.min_window = 288}; ///< damped Holt on the adjusted series
};

/// Seasonal component of `y` for period `m` (an STL-style robust decomposition after
/// Cleveland et al. 1990, simplified): the trend is a centred 2×m moving average; each phase's
/// seasonal value starts as the median of its detrended values over the last `cycles` cycles
/// and is then, `iterations` times, their mean under bisquare robustness weights
/// (6 × median |residual|); the seasonal values are centred to mean zero. Element i is the phase of y[i mod m];
/// needs y.size() >= 2m.
[[nodiscard]] Eigen::VectorXd robust_seasonal(const Eigen::Ref<const Eigen::VectorXd>& y,
                                              Eigen::Index period, double cycles,
                                              int iterations);

/// `stl`: the seasonal component above, then damped Holt (exponential smoothing without
/// seasonality) on the seasonally adjusted series, with the seasonal value of each horizon
/// added back — the approach of R's `forecast::stlf` (Hyndman & Athanasopoulos, FPP3 §5.7
/// "Forecasting with decomposition"). The seasonal component is estimated on the
/// parameter prefix and repeated over the validation window and the forecast.
class Stl final : public Component {
public:
    /// Keeps `params`; see `create`.
    explicit Stl(StlParams params);

    /// InvalidSpec unless seasonal_cycles >= 2, robust_iterations >= 0 and the smoothing
    /// parameters are valid.
    [[nodiscard]] static std::expected<Stl, ModelError> create(StlParams params);

    /// Without a detected period held twice before the validation window, the seasonal part
    /// is zero (damped Holt alone); NotEnoughData when even that lacks data.
    [[nodiscard]] std::expected<ComponentRun, ModelError>
    run(const ComponentInput& input) const override;

private:
    StlParams params_;
    HoltWinters smoother_;
};

} // namespace ihpa::model
