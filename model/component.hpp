#pragma once

#include "model/forecaster.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::model {

/// The mean forecast of a fitted component from the end of its data.
class MeanPath {
public:
    virtual ~MeanPath() = default;
    /// Point forecasts for horizons 1..steps (`steps` >= 1), all finite.
    [[nodiscard]] virtual Eigen::VectorXd mean(Eigen::Index steps) const = 0;
};

/// What a component is run on. `y` is gap-free (see `apply_gap_policy`), `weight` marks masked
/// points with 0. Parameters are estimated on `y[0 .. n_fit)` only; the states then follow the
/// data up to the end, so the validation forecasts are out of sample.
struct ComponentInput {
    Eigen::Ref<const Eigen::VectorXd> y;      ///< the prepared values
    Eigen::Ref<const Eigen::VectorXd> weight; ///< 1 observed, 0 masked
    Eigen::Index n_fit = 0;                   ///< parameters see y[0 .. n_fit); 1 <= n_fit <= n
    Eigen::Index horizons = 1;                ///< validation horizons 1..horizons
    std::int64_t step_seconds = 60;           ///< the series step
    std::vector<double> periods;              ///< accepted seasonal periods in steps, strongest first
    /// Whether a model that needs a period may assume its default (one day) when `periods` is
    /// empty; false when the periods were set by the user (`none`, or too long for the history).
    bool default_period_allowed = true;
};

/// The error of a model that needs a seasonal period when the user's seasonality setting left
/// none (`none`, or no listed period with two cycles in the history).
[[nodiscard]] inline ModelError no_period_error(const std::string& model)
{
    return ModelError{ModelError::Kind::NotEnoughData,
                      model + ": no seasonal period (seasonality is none, or the history holds "
                              "fewer than two cycles of every period it lists)"};
}

/// A component's out-of-sample forecasts over the validation window and its final state.
struct ComponentRun {
    /// Row k is the forecast made at origin t = n_fit - 1 + k (using y[0..t] and the parameters)
    /// for t + 1 .. t + horizons; rows for k = 0 .. n - n_fit - 1.
    Eigen::MatrixXd validation;
    std::shared_ptr<const MeanPath> final_path; ///< the forecast from the last point
    FitStats stats;                             ///< of the parameter fit
};

/// A forecasting method in the form every model and `auto` share: estimate on a prefix, then
/// forecast from every later origin without refitting. Stateless and thread-safe.
class Component {
public:
    virtual ~Component() = default;
    /// Runs the method; fails with NotEnoughData when the prefix is too short for it.
    [[nodiscard]] virtual std::expected<ComponentRun, ModelError>
    run(const ComponentInput& input) const = 0;
};

} // namespace ihpa::model
