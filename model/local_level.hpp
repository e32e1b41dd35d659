#pragma once

#include "model/component.hpp"

namespace ihpa::model {

/// Parameters of the robust local level.
struct LocalLevelParams {
    Eigen::Index window = 5; ///< points whose median is the level (odd, >= 1)
};

/// A robust local level: every horizon repeats the median of the last `window` observed points
/// at the origin (masked points skipped). Beside the naive forecast it is the guard's fallback:
/// on a flat series with short spikes, repeating the last value repeats the spike, the median
/// of a few points does not (a running median, Tukey 1977, as in robust level estimators of
/// exponential smoothing, e.g. Gelper, Fried & Croux 2010).
class LocalLevel final : public Component {
public:
    explicit LocalLevel(LocalLevelParams params);

    /// InvalidSpec unless the window is odd and between 1 and 99.
    [[nodiscard]] static std::expected<LocalLevel, ModelError> create(LocalLevelParams params);

    /// Never fails on a series with one observed point at or before the fit prefix's end.
    [[nodiscard]] std::expected<ComponentRun, ModelError>
    run(const ComponentInput& input) const override;

private:
    LocalLevelParams params_;
};

} // namespace ihpa::model
