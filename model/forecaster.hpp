#pragma once

#include "model/series.hpp"

#include <Eigen/Core>

#include <expected>
#include <memory>
#include <optional>
#include <string>

namespace ihpa::model {

/// Why a model could not be specified or fitted. Never thrown: returned as a value.
struct ModelError {
    enum class Kind {
        InvalidSpec,     ///< a parameter is out of range or the model name is unknown
        NotEnoughData,   ///< the series is too short (or too gappy) for this model
        NumericalFailure ///< the fit diverged or produced non-finite values
    };
    Kind kind = Kind::InvalidSpec;
    std::string message; ///< human-readable, names the offending parameter or condition
};

/// A forecast of the next `steps` points after the end of the fitted series.
/// `mean[h-1]` is the point forecast h steps ahead; `lower`/`upper` are the 10 % and 90 %
/// quantile forecasts, with `lower <= mean <= upper` element-wise. All values are finite.
struct Forecast {
    Eigen::VectorXd mean;
    Eigen::VectorXd lower;
    Eigen::VectorXd upper;
};

/// Statistics of a fit, for logs, `/metrics` and model selection.
struct FitStats {
    double sse = 0.0;         ///< in-sample sum of squared one-step errors
    double aic = 0.0;         ///< Akaike information criterion (NaN when undefined)
    Eigen::Index n_obs = 0;   ///< number of finite observations used
    std::string description;  ///< model name plus chosen parameters, e.g. "holtWinters(a=0.3,...)"
    Eigen::VectorXd parameters; ///< the fitted parameters, in the order of the description
    /// For a forecast of usage from its traffic: the held-out R² of the traffic model, also
    /// when it was too low and the usage was forecast directly. Empty for every other model.
    std::optional<double> traffic_r2;
};

/// An immutable fitted model (the "results" object). Thread-safe: every method is const.
class FittedModel {
public:
    virtual ~FittedModel() = default;
    /// Point forecast and 10 %/90 % band for horizons 1..steps. `steps` >= 1.
    [[nodiscard]] virtual Forecast forecast(Eigen::Index steps) const = 0;
    /// Statistics of the fit.
    [[nodiscard]] virtual const FitStats& stats() const = 0;
};

/// A model specification with validated parameters. Stateless and thread-safe:
/// `fit` may be called concurrently on different series.
class Forecaster {
public:
    virtual ~Forecaster() = default;
    /// Fits the model to the whole of `series` (no look-ahead: only these values are used).
    [[nodiscard]] virtual std::expected<std::shared_ptr<const FittedModel>, ModelError>
    fit(const Series& series) const = 0;
};

} // namespace ihpa::model
