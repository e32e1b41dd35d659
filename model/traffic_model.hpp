#pragma once

#include "model/elastic_net.hpp"
#include "model/forecaster.hpp"
#include "model/series.hpp"
#include "model/time_profile.hpp"

#include <expected>
#include <string>
#include <vector>

namespace ihpa::model {

/// Settings of a traffic-driven usage model.
struct TrafficModelOptions {
    ElasticNetOptions regression;            ///< usage per pod on traffic per pod
    std::int64_t profile_bucket_seconds = 900; ///< time-of-day resolution of the residual model
    double profile_shrinkage = 2.0;          ///< pseudo-observations per bucket (TimeProfile)
    int backfit_rounds = 3;                  ///< alternations of regression and residual profile, >= 1
    double validation_share = 0.2;           ///< the last rows R² and the band are measured on
};

/// How well a traffic model explains usage, measured on the last rows with the model fitted on
/// the rows before them (out of sample, like the forecasters' validation window).
struct TrafficFitQuality {
    double r2 = 0.0;            ///< 1 - SSE / SST of usage per pod on the held-out rows (may be < 0)
    double residual_mae = 0.0;  ///< mean absolute error of usage per pod there
    double residual_q10 = 0.0;  ///< the 10 % quantile of those errors (observed - predicted), <= 0 mostly
    double residual_q90 = 0.0;  ///< the 90 % quantile
    Eigen::Index rows = 0;      ///< held-out rows
};

/// Where a forecast of usage starts: the drivers' forecasts of their workload totals (each of at
/// least `steps` horizons, at `first_time + (h - 1) × step_seconds`), the replica count at the
/// origin (the HPA decides the future one) and, when known, the residual per pod at the origin
/// (`TrafficModel::residual`), which decays as the fitted persistence says.
struct TrafficOutlook {
    std::vector<Forecast> drivers;
    double replicas = 1.0;
    double last_residual = 0.0;
    std::int64_t first_time = 0;
    std::int64_t step_seconds = 60;
    Eigen::Index steps = 1;
};

/// Usage of a workload explained by its traffic (Kapacity's traffic-driven portrait): usage per pod
/// = b0 + Σ β_k × traffic_k per pod + a time-of-day and day-of-week effect for what traffic does
/// not explain (a nightly job). b0 is what a pod uses idle; β_k what one unit of driver k costs.
/// Immutable once fitted.
class TrafficModel {
public:
    /// Usage per pod at time `t` for the given traffic per pod (one value per driver).
    [[nodiscard]] double usage_per_pod(const Eigen::Ref<const Eigen::VectorXd>& traffic_per_pod, std::int64_t t) const;

    /// What the model leaves unexplained per pod at time `t`: observed usage per pod less the
    /// prediction for that traffic per pod.
    [[nodiscard]] double residual(double usage_per_pod, const Eigen::Ref<const Eigen::VectorXd>& traffic_per_pod,
                                  std::int64_t t) const;

    /// The workload's total usage over the outlook's horizons. The band combines the drivers'
    /// bands through the coefficients and the residuals' held-out quantiles, as independent errors.
    [[nodiscard]] Forecast forecast_usage(const TrafficOutlook& outlook) const;

    [[nodiscard]] const ElasticNetFit& regression() const { return regression_; }
    [[nodiscard]] const TimeProfile& profile() const { return profile_; }
    [[nodiscard]] const TrafficFitQuality& quality() const { return quality_; }
    /// The lag-one autocorrelation of the residuals in [0, 1): how much of a disturbance the
    /// next step keeps (0 when they do not persist).
    [[nodiscard]] double residual_persistence() const { return persistence_; }
    /// e.g. "traffic(b0=0.12,b=[0.004,0],lambda=1.2e-05,clock=0.4,ar=0.8,r2=0.93)".
    [[nodiscard]] std::string description() const;

private:
    friend std::expected<TrafficModel, ModelError>
    fit_traffic_model(const Series&, const Series&, const std::vector<Series>&, const TrafficModelOptions&);

    TrafficModel(ElasticNetFit regression, TimeProfile profile) : regression_(std::move(regression)), profile_(std::move(profile)) {}

    ElasticNetFit regression_;
    TimeProfile profile_;
    TrafficFitQuality quality_;
    double persistence_ = 0.0;
};

/// Fits the model to aligned series of the same start, step and length: the workload's total
/// usage, its replica count and each driver's workload total. Rows where a value is missing or
/// the replica count is not positive are left out. InvalidSpec for misaligned series, no driver
/// or bad options; NotEnoughData when too few complete rows remain.
[[nodiscard]] std::expected<TrafficModel, ModelError>
fit_traffic_model(const Series& usage, const Series& replicas, const std::vector<Series>& drivers,
                  const TrafficModelOptions& options = {});

} // namespace ihpa::model
