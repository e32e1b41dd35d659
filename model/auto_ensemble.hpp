#pragma once

#include "model/component.hpp"
#include "model/forecaster.hpp"
#include "model/naive_guard.hpp"
#include "model/validated_fit.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ihpa::model {

/// Parameters of the automatic choice / combination.
struct AutoParams {
    double slack = 0.50;        ///< candidates with MAE above (1 + slack) × best get no weight
    double weight_power = 4.0;  ///< the others are weighted by MAE^-power
    /// A model must beat the best fallback's validation MAE by this share at half the horizons,
    /// or the guard forecasts with the fallback alone (see `naive_guard`).
    double guard_margin = 0.0;
};

/// One candidate of `auto`: a name for the description and the component.
struct AutoCandidate {
    std::string name;                           ///< as in the registry
    std::shared_ptr<const Component> component; ///< not null
    bool fallback = false; ///< a benchmark of the guard (the last value, a robust local level)
};

/// `auto`: runs every candidate on the same rolling-origin validation window (parameters
/// estimated before it, states updated through it) and combines them per horizon with weights
/// from their out-of-sample MAE (forecast combination, Bates & Granger 1969; Hyndman &
/// Athanasopoulos, FPP3 §13.4). The first candidate (the naive forecast) never fails. Where no
/// model beats the fallback candidates on the validation window, the guard (`naive_guard`)
/// forecasts with the best fallback alone. The band is conformal, from the validation errors of
/// what is forecast (the combination, or the fallback).
class AutoEnsemble final : public Forecaster {
public:
    /// `candidates` is not empty and its first entry accepts any non-empty series.
    AutoEnsemble(std::vector<AutoCandidate> candidates, AutoParams params, FitOptions options);

    /// InvalidSpec when the list is empty, a component is null, slack < 0, power < 0 or the
    /// guard margin is outside [0, 1).
    [[nodiscard]] static std::expected<std::unique_ptr<AutoEnsemble>, ModelError>
    create(std::vector<AutoCandidate> candidates, AutoParams params, FitOptions options);

    /// Fits all candidates, weights them, and returns the combination.
    [[nodiscard]] std::expected<std::shared_ptr<const FittedModel>, ModelError>
    fit(const Series& series) const override;

private:
    std::vector<AutoCandidate> candidates_;
    AutoParams params_;
    FitOptions options_;
};

/// Combination weights per horizon from the candidates' validation MAE (rows: candidates,
/// columns: horizons; NaN marks a candidate without forecasts). Each column sums to 1.
[[nodiscard]] Eigen::MatrixXd combination_weights(const Eigen::MatrixXd& mae,
                                                  const AutoParams& params);

} // namespace ihpa::model
