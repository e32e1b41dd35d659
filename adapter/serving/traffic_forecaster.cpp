#include "adapter/serving/traffic_forecaster.hpp"

#include "adapter/config/config.hpp"

#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

namespace ihpa::adapter {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Another model's forecast under a description of its own.
class Described final : public model::FittedModel {
public:
    Described(std::shared_ptr<const model::FittedModel> inner, std::string description, std::optional<double> r2)
        : inner_(std::move(inner)), stats_(inner_->stats())
    {
        stats_.description = std::move(description);
        stats_.traffic_r2 = r2;
    }
    [[nodiscard]] model::Forecast forecast(Eigen::Index steps) const override { return inner_->forecast(steps); }
    [[nodiscard]] const model::FitStats& stats() const override { return stats_; }

private:
    std::shared_ptr<const model::FittedModel> inner_;
    model::FitStats stats_;
};

/// A driver's fitted model and how many of the usage's newest slots it had no value for (its
/// forecast starts that many steps earlier).
struct DriverFit {
    std::shared_ptr<const model::FittedModel> model;
    Eigen::Index behind = 0;
};

/// Usage forecast from the drivers' forecasts through the traffic model.
class TrafficFit final : public model::FittedModel {
public:
    TrafficFit(model::TrafficModel traffic, std::vector<DriverFit> drivers, double replicas, double last_residual,
               std::int64_t first_time, std::int64_t step_seconds, model::FitStats stats)
        : traffic_(std::move(traffic)), drivers_(std::move(drivers)), replicas_(replicas),
          last_residual_(last_residual), first_time_(first_time), step_seconds_(step_seconds), stats_(std::move(stats))
    {
    }

    [[nodiscard]] model::Forecast forecast(Eigen::Index steps) const override
    {
        model::TrafficOutlook outlook;
        for (const DriverFit& d : drivers_) {
            model::Forecast f = d.model->forecast(steps + d.behind);
            outlook.drivers.push_back({f.mean.tail(steps), f.lower.tail(steps), f.upper.tail(steps)});
        }
        outlook.replicas = replicas_;
        outlook.last_residual = last_residual_;
        outlook.first_time = first_time_;
        outlook.step_seconds = step_seconds_;
        outlook.steps = steps;
        model::Forecast out = traffic_.forecast_usage(outlook);
        // Serving expects lower <= mean <= upper, all finite (model::Forecast's contract).
        for (Eigen::Index h = 0; h < steps; ++h) {
            out.lower[h] = std::min(out.lower[h], out.mean[h]);
            out.upper[h] = std::max(out.upper[h], out.mean[h]);
        }
        return out;
    }
    [[nodiscard]] const model::FitStats& stats() const override { return stats_; }

private:
    model::TrafficModel traffic_;
    std::vector<DriverFit> drivers_;
    double replicas_;
    double last_residual_;
    std::int64_t first_time_;
    std::int64_t step_seconds_;
    model::FitStats stats_;
};

/// The series without its trailing gaps, and how many there were.
std::pair<model::Series, Eigen::Index> without_trailing_gaps(const model::Series& s)
{
    Eigen::Index n = s.size();
    while (n > 0 && !std::isfinite(s.values[n - 1])) {
        --n;
    }
    return {model::Series{s.start, s.step_seconds, s.values.head(n)}, s.size() - n};
}

std::string text(double v)
{
    std::ostringstream out;
    out << std::setprecision(3) << v;
    return out.str();
}

} // namespace

model::Series aligned_series(const StoredSeries& stored, const model::Series& like)
{
    model::Series out{like.start, like.step_seconds, Eigen::VectorXd::Constant(like.size(), kNaN)};
    if (like.size() == 0 || stored.step_seconds() != like.step_seconds) {
        return out;
    }
    const model::Series have = stored.series(like.start);
    for (Eigen::Index i = 0; i < have.size(); ++i) {
        const std::int64_t offset = have.time_at(i) - like.start;
        if (offset % like.step_seconds == 0 && offset >= 0 && offset / like.step_seconds < like.size()) {
            out.values[offset / like.step_seconds] = have.values[i];
        }
    }
    return out;
}

TrafficForecaster::TrafficForecaster(std::vector<std::shared_ptr<StoredSeries>> drivers,
                                     std::shared_ptr<StoredSeries> replicas, std::unique_ptr<model::Forecaster> inner,
                                     double min_r2)
    : drivers_(std::move(drivers)), replicas_(std::move(replicas)), inner_(std::move(inner)), min_r2_(min_r2)
{
}

std::expected<std::shared_ptr<const model::FittedModel>, model::ModelError>
TrafficForecaster::direct(const model::Series& usage, const std::string& reason, std::optional<double> r2) const
{
    auto fitted = inner_->fit(usage);
    if (!fitted) {
        return fitted;
    }
    return std::make_shared<const Described>(
        *fitted, std::string(kTrafficFallbackPrefix) + reason + "): " + (*fitted)->stats().description, r2);
}

std::expected<std::shared_ptr<const model::FittedModel>, model::ModelError>
TrafficForecaster::fit(const model::Series& usage) const
{
    std::vector<model::Series> drivers;
    for (const auto& d : drivers_) {
        drivers.push_back(aligned_series(*d, usage));
    }
    const model::Series replicas = aligned_series(*replicas_, usage);
    auto traffic = model::fit_traffic_model(usage, replicas, drivers);
    if (!traffic) {
        return direct(usage, traffic.error().message, std::nullopt);
    }
    const double r2 = traffic->quality().r2;
    if (!(r2 >= min_r2_)) {
        return direct(usage, "held-out R² " + text(r2) + " below minR2 " + text(min_r2_), r2);
    }
    std::vector<DriverFit> fits;
    std::string driver_descriptions;
    for (std::size_t k = 0; k < drivers.size(); ++k) {
        auto [history, behind] = without_trailing_gaps(drivers[k]);
        auto fitted = inner_->fit(history);
        if (!fitted) {
            return direct(usage, "driver " + std::to_string(k + 1) + ": " + fitted.error().message, r2);
        }
        driver_descriptions += (k > 0 ? "; " : "") + (*fitted)->stats().description;
        fits.push_back({std::move(*fitted), behind});
    }
    // The newest replica count, and the residual of the newest slot when every value is there.
    const Eigen::Index last = usage.size() - 1;
    double pods = kNaN;
    for (Eigen::Index i = last; i >= 0 && !std::isfinite(pods); --i) {
        pods = replicas.values[i] > 0.0 ? replicas.values[i] : kNaN;
    }
    double residual = 0.0;
    Eigen::VectorXd per_pod(static_cast<Eigen::Index>(drivers.size()));
    bool complete = std::isfinite(usage.values[last]) && replicas.values[last] > 0.0;
    for (std::size_t k = 0; complete && k < drivers.size(); ++k) {
        per_pod[static_cast<Eigen::Index>(k)] = drivers[k].values[last] / replicas.values[last];
        complete = std::isfinite(per_pod[static_cast<Eigen::Index>(k)]);
    }
    if (complete) {
        residual = traffic->residual(usage.values[last] / replicas.values[last], per_pod, usage.time_at(last));
    }
    model::FitStats stats;
    stats.n_obs = traffic->quality().rows;
    stats.aic = kNaN;
    stats.description = traffic->description() + " drivers: " + driver_descriptions;
    stats.traffic_r2 = r2;
    return std::make_shared<const TrafficFit>(std::move(*traffic), std::move(fits), pods, residual,
                                              usage.time_at(usage.size()), usage.step_seconds, std::move(stats));
}

} // namespace ihpa::adapter
