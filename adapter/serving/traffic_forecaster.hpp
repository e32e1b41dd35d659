#pragma once

#include "adapter/history/history_store.hpp"
#include "model/forecaster.hpp"
#include "model/traffic_model.hpp"

#include <memory>
#include <vector>

namespace ihpa::adapter {

/// The forecaster of a forecast with `traffic:` (TrafficConfig). Given the usage history, it
/// reads its drivers' and replica count's histories over the same slots, fits the traffic model
/// (model/traffic_model), forecasts each driver with `inner` and maps those forecasts to usage
/// at the newest replica count, carrying the newest residual forward. When the model cannot be
/// fitted, or explains usage worse than `min_r2` on its held-out rows, or a driver cannot be
/// forecast, it forecasts usage itself with `inner` and says why in the model description
/// ("direct (traffic: ...): <inner's description>"). Thread-safe like every Forecaster.
class TrafficForecaster final : public model::Forecaster {
public:
    /// `drivers` non-empty, all non-null.
    TrafficForecaster(std::vector<std::shared_ptr<StoredSeries>> drivers, std::shared_ptr<StoredSeries> replicas,
                      std::unique_ptr<model::Forecaster> inner, double min_r2);

    [[nodiscard]] std::expected<std::shared_ptr<const model::FittedModel>, model::ModelError>
    fit(const model::Series& usage) const override;

private:
    [[nodiscard]] std::expected<std::shared_ptr<const model::FittedModel>, model::ModelError>
    direct(const model::Series& usage, const std::string& reason, std::optional<double> r2) const;

    std::vector<std::shared_ptr<StoredSeries>> drivers_;
    std::shared_ptr<StoredSeries> replicas_;
    std::unique_ptr<model::Forecaster> inner_;
    double min_r2_;
};

/// `stored`'s slots over those of `like` (same start, step and length; NaN where it has none).
[[nodiscard]] model::Series aligned_series(const StoredSeries& stored, const model::Series& like);

} // namespace ihpa::adapter
