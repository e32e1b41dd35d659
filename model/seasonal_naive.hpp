#pragma once

#include "model/component.hpp"

#include <cstdint>
#include <expected>

namespace ihpa::model {

/// Parameters of the seasonal naive forecast.
struct SeasonalNaiveParams {
    std::int64_t fallback_period_seconds = 86400; ///< period when none is detected
    double level_window_share = 1.0 / 24.0;       ///< level window, as a share of the period
};

/// Seasonal naive with level adjustment (Hyndman & Athanasopoulos, FPP3 §5.2): the value one
/// period earlier, shifted by the change of the level between then and now, the level being
/// the mean of the last max(1, share × period) points. The period is the strongest detected
/// one, else the fallback duration.
class SeasonalNaive final : public Component {
public:
    /// Keeps `params`; see `validate`.
    explicit SeasonalNaive(SeasonalNaiveParams params);

    /// InvalidSpec when the fallback period is not positive or the share is outside [0, 1].
    [[nodiscard]] static std::expected<SeasonalNaive, ModelError>
    create(SeasonalNaiveParams params);

    /// NotEnoughData when the parameter prefix does not hold a period plus a level window.
    [[nodiscard]] std::expected<ComponentRun, ModelError>
    run(const ComponentInput& input) const override;

private:
    SeasonalNaiveParams params_;
};

} // namespace ihpa::model
