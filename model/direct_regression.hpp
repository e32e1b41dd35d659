#pragma once

#include "model/component.hpp"

#include <expected>

namespace ihpa::model {

/// Parameters of the direct regression forecast.
struct DirectRegressionParams {
    Eigen::Index training_rows = 1008; ///< the most recent origins the coefficients are fitted on
    Eigen::Index level_window = 12;    ///< steps of the recent mean the level deviates from
    double ridge = 1e-3;               ///< penalty, as a share of the mean feature variance
};

/// Direct multi-step regression (Ben Taieb & Hyndman 2014, the "direct" strategy): for each
/// horizon h a separate ridge regression of the change y[t+h] - y[t] on the last change, the
/// deviation from the recent mean and, per seasonal period P, the change the previous cycle
/// made over the same hours (y[t+h-P] - y[t-P]) and the deviation from it (y[t] - y[t-P]).
/// It learns how much of the seasonal pattern and of the recent noise persists per horizon.
/// The strongest two periods are used; without one, the seasonal features are left out.
class DirectRegression final : public Component {
public:
    /// Keeps `params`; see `create`.
    explicit DirectRegression(DirectRegressionParams params);

    /// InvalidSpec when training_rows is not positive, level_window below 2 or ridge negative.
    [[nodiscard]] static std::expected<DirectRegression, ModelError>
    create(DirectRegressionParams params);

    /// NotEnoughData when the prefix holds too few origins for the coefficients.
    [[nodiscard]] std::expected<ComponentRun, ModelError>
    run(const ComponentInput& input) const override;

private:
    DirectRegressionParams params_;
};

} // namespace ihpa::model
