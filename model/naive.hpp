#pragma once

#include "model/forecaster.hpp"

namespace ihpa::model {

/// The naive forecast: every horizon repeats the last finite observation. Its 10 %/90 % band
/// comes from the empirical quantiles of the in-sample h-step changes y[t+h] - y[t].
class Naive final : public Forecaster {
public:
    /// Fails with NotEnoughData when the series has no finite value.
    [[nodiscard]] std::expected<std::shared_ptr<const FittedModel>, ModelError>
    fit(const Series& series) const override;
};

} // namespace ihpa::model
