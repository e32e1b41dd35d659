#pragma once

#include "model/component.hpp"

#include <cstdint>
#include <expected>

namespace ihpa::model {

/// Specification of the multi-seasonal Fourier regression.
struct FourierParams {
    int max_harmonics = 10;            ///< sine/cosine pairs per period (at most period / 2)
    double fit_cycles = 14.0;          ///< window: this many cycles of the shortest period...
    double long_cycles = 2.0;          ///< ...and this many of the longest
    double ridge = 1e-3;               ///< ridge penalty, relative to the mean diagonal of X'X
    std::int64_t fallback_period_seconds = 86400; ///< used when no period was detected
};

/// Linear trend plus Fourier terms for every detected period (dynamic harmonic regression,
/// Hyndman & Athanasopoulos, FPP3 §12.1), estimated by ridge regression (Eigen LDLT of the
/// normal equations) on a recent window; suited to long periods such as a week at 1-minute
/// steps. The regression residual is forecast as a random walk, so the forecast is anchored
/// on the latest observation: ŷ_{t+h} = y_t + f(t+h) − f(t) (the regression supplies the
/// shape, the data the level; a Yule–Walker AR(1) decay of the residual anchored too weakly and
/// lost to the naive forecast at every horizon).
class Fourier final : public Component {
public:
    /// Keeps `params`; see `create`.
    explicit Fourier(FourierParams params);

    /// InvalidSpec unless max_harmonics >= 1, the cycle counts >= 1, ridge >= 0 and the
    /// fallback period is positive.
    [[nodiscard]] static std::expected<Fourier, ModelError> create(FourierParams params);

    /// NotEnoughData when the window before validation holds fewer than two cycles of the
    /// shortest period.
    [[nodiscard]] std::expected<ComponentRun, ModelError>
    run(const ComponentInput& input) const override;

private:
    FourierParams params_;
};

} // namespace ihpa::model
