#pragma once

#include "model/component.hpp"
#include "model/forecaster.hpp"
#include "model/gap_policy.hpp"
#include "model/series.hpp"

#include <Eigen/Core>

#include <expected>
#include <memory>
#include <optional>
#include <vector>

namespace ihpa::model {

/// Settings shared by every model's `fit`: history, gaps, validation window and band.
struct FitOptions {
    std::int64_t max_history_seconds = 28 * 86400; ///< older points are ignored
    GapPolicy gaps;                                ///< short gaps interpolated, long masked
    std::int64_t validation_seconds = 43200;       ///< length of the validation window...
    Eigen::Index min_validation = 96;              ///< ...but at least this many origins...
    double max_validation_share = 1.0 / 3.0;       ///< ...and at most this share of the points
    Eigen::Index horizons = 12;                    ///< horizons whose errors are measured
    double band_scale = 1.15; ///< widens the conformal band (in-sample selection is optimistic)
    /// Seasonal periods as durations in seconds, strongest first, instead of detection:
    /// nullopt detects them (`auto`), an empty list means non-seasonal (`none`). A listed period
    /// is used only when the history holds two full cycles of it (see `fixed_periods`).
    std::optional<std::vector<std::int64_t>> seasonal_periods_seconds;
};

/// The values a model works on, the time layout and the validation split, derived from
/// `series` and `options` (the last `max_history_seconds`, gap policy applied).
struct FitData {
    PreparedValues prepared;     ///< gap-free values and their weights
    std::int64_t step_seconds;   ///< the series step
    Eigen::Index n_fit;          ///< parameters are estimated on the first n_fit points
    std::vector<double> periods; ///< accepted seasonal periods in steps (strongest first)
    bool periods_set = false;    ///< the periods come from the options, not from detection
};

/// Prepares `series`: history window, gap policy, seasonal periods (detected, or those of
/// `options.seasonal_periods_seconds`) and validation split.
/// Fails with InvalidSpec on a non-positive step and NotEnoughData without a finite value.
[[nodiscard]] std::expected<FitData, ModelError> prepare_fit_data(const Series& series,
                                                                  const FitOptions& options);

/// The input of a component run over `data` (views into it: `data` must outlive the input).
[[nodiscard]] ComponentInput component_input(const FitData& data, const FitOptions& options);

/// 10 % and 90 % quantiles of the out-of-sample errors y[t+h] - forecast per horizon h,
/// as offsets from the mean: `lower[h-1] <= 0 <= upper[h-1]` (split conformal prediction,
/// Vovk et al. 2005; Hyndman & Athanasopoulos, "Forecasting: Principles and Practice",
/// 3rd ed., §5.5 on bootstrapped/empirical intervals). Zero when no error is available.
struct BandOffsets {
    Eigen::VectorXd lower; ///< per horizon, <= 0
    Eigen::VectorXd upper; ///< per horizon, >= 0
};

/// Conformal band offsets from the validation forecasts of a run over `y` (see ComponentRun),
/// widened by `scale`. Masked targets (weight 0) are skipped.
[[nodiscard]] BandOffsets conformal_offsets(const Eigen::MatrixXd& validation,
                                            const Eigen::Ref<const Eigen::VectorXd>& y,
                                            const Eigen::Ref<const Eigen::VectorXd>& weight,
                                            Eigen::Index n_fit, double scale);

/// The immutable fitted model every method returns: a mean path plus a conformal band.
/// Beyond the validated horizons the band grows like sqrt(h).
[[nodiscard]] std::shared_ptr<const FittedModel>
make_validated_fit(std::shared_ptr<const MeanPath> path, BandOffsets band, FitStats stats);

/// Fits `component` on `series` the standard way: prepare, run, conformal band.
[[nodiscard]] std::expected<std::shared_ptr<const FittedModel>, ModelError>
fit_component(const Component& component, const Series& series, const FitOptions& options);

/// A Forecaster made of one validated component (every registered single model).
class ComponentForecaster final : public Forecaster {
public:
    /// `component` is not null.
    ComponentForecaster(std::shared_ptr<const Component> component, FitOptions options);

    /// Fits with `fit_component`.
    [[nodiscard]] std::expected<std::shared_ptr<const FittedModel>, ModelError>
    fit(const Series& series) const override;

private:
    std::shared_ptr<const Component> component_;
    FitOptions options_;
};

} // namespace ihpa::model
