#include "simulate/forecast_feed.hpp"

#include "simulate/trace.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::simulate {

std::expected<ForecastBand, SimulateError> parse_forecast_band(std::string_view name)
{
    if (name == "yhat") {
        return ForecastBand::Yhat;
    }
    if (name == "upper") {
        return ForecastBand::Upper;
    }
    return std::unexpected(SimulateError{"unknown band \"" + std::string(name) + "\" (known: yhat, upper)"});
}

std::string forecast_band_name(ForecastBand band)
{
    return band == ForecastBand::Yhat ? "yhat" : "upper";
}

ModelForecastFeed::ModelForecastFeed(const model::Series& trace,
                                     std::unique_ptr<model::Forecaster> forecaster, FeedSettings settings)
    : trace_(trace), forecaster_(std::move(forecaster)), settings_(settings)
{
}

ForecastReading ModelForecastFeed::read(std::int64_t now)
{
    const Eigen::Index samples = samples_until(trace_, now);
    const bool due = fitted_samples_ == 0 || now - last_fit_time_ >= settings_.refit_seconds;
    if (samples >= settings_.min_history && samples != fitted_samples_ && due) {
        refit(now, samples);
    }
    if (samples < settings_.min_history || !fitted_) {
        ++stats_.cold_reads;
        const double latest = std::max(observed_at(trace_, now), 0.0);
        return {latest, latest, latest};
    }
    const std::int64_t until = now + settings_.lead_seconds;
    ensure_horizon(until);
    const Eigen::VectorXd& path = settings_.band == ForecastBand::Yhat ? forecast_.mean : forecast_.upper;
    const double value = apply_lead_rule(settings_.rule, now, settings_.lead_seconds, fitted_end_,
                                         trace_.step_seconds,
                                         [this, &path](double t) { return path_at(path, t); });
    const auto at_lead = static_cast<double>(until);
    return {std::max(value, 0.0), std::max(path_at(forecast_.lower, at_lead), 0.0),
            std::max(path_at(forecast_.upper, at_lead), 0.0)};
}

void ModelForecastFeed::refit(std::int64_t now, Eigen::Index samples)
{
    last_fit_time_ = now;
    fitted_samples_ = samples;
    const Eigen::Index window =
        std::max<Eigen::Index>(1, settings_.history_seconds / trace_.step_seconds);
    const Eigen::Index first = std::max<Eigen::Index>(0, samples - window);
    model::Series history;
    history.start = trace_.time_at(first);
    history.step_seconds = trace_.step_seconds;
    history.values = trace_.values.segment(first, samples - first);
    auto fitted = forecaster_->fit(history);
    if (!fitted) {
        // Serve the latest value until a later refit succeeds (design.md: never fail the metric).
        ++stats_.failed_fits;
        fitted_.reset();
        return;
    }
    ++stats_.fits;
    fitted_ = std::move(*fitted);
    fitted_end_ = trace_.time_at(samples - 1);
    fitted_last_ = trace_.values[samples - 1];
    forecast_ = model::Forecast{};
}

void ModelForecastFeed::ensure_horizon(std::int64_t until)
{
    const auto needed = static_cast<Eigen::Index>((until - fitted_end_ + trace_.step_seconds - 1) /
                                                  trace_.step_seconds) +
                        1;
    if (forecast_.mean.size() < needed) {
        forecast_ = fitted_->forecast(std::max(needed, 2 * forecast_.mean.size()));
    }
}

double ModelForecastFeed::path_at(const Eigen::VectorXd& horizons, double t) const
{
    // Knot 0 is the last fitted sample, knot h (>= 1) is horizons[h - 1].
    const double offset = (t - static_cast<double>(fitted_end_)) / static_cast<double>(trace_.step_seconds);
    const auto knot = [&](Eigen::Index h) { return h == 0 ? fitted_last_ : horizons[h - 1]; };
    if (offset <= 0.0) {
        return fitted_last_;
    }
    const auto h = std::min(static_cast<Eigen::Index>(std::floor(offset)), horizons.size() - 1);
    const double frac = std::min(offset - static_cast<double>(h), 1.0);
    return knot(h) + frac * (knot(h + 1) - knot(h));
}

} // namespace ihpa::simulate
