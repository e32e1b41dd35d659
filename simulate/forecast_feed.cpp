#include "simulate/forecast_feed.hpp"

#include "model/serving.hpp"
#include "simulate/trace.hpp"

#include <algorithm>

namespace ihpa::simulate {

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
    const std::int64_t until = now + settings_.shift.lead_seconds;
    if (samples < settings_.min_history || !fitted_ || !ensure_horizon(until)) {
        return latest_value(now);
    }
    // What `adjust` may compare with the forecast: the samples from the fitted end up to now.
    const Eigen::Index from = samples_until(trace_, anchored_.origin) - 1;
    model::Series seen;
    seen.start = trace_.time_at(from);
    seen.step_seconds = trace_.step_seconds;
    seen.values = trace_.values.segment(from, samples - from);
    const auto value = model::shifted_value(anchored_, seen, now, settings_.shift);
    const auto band = model::band_at(anchored_, until);
    if (!value || !band) {
        return latest_value(now);
    }
    const model::TimeShift& shift = settings_.shift;
    return {model::clamp_served(shift, *value), model::clamp_served(shift, band->lower),
            model::clamp_served(shift, band->upper)};
}

ForecastReading ModelForecastFeed::latest_value(std::int64_t now)
{
    ++stats_.cold_reads;
    const double latest = std::max(observed_at(trace_, now), 0.0);
    return {latest, latest, latest};
}

void ModelForecastFeed::refit(std::int64_t now, Eigen::Index samples)
{
    last_fit_time_ = now;
    fitted_samples_ = samples;
    const Eigen::Index window =
        std::max<Eigen::Index>(1, settings_.history_seconds / trace_.step_seconds);
    const Eigen::Index first = std::max<Eigen::Index>(0, samples - window);
    fitted_history_.start = trace_.time_at(first);
    fitted_history_.step_seconds = trace_.step_seconds;
    fitted_history_.values = trace_.values.segment(first, samples - first);
    auto fitted = forecaster_->fit(fitted_history_);
    anchored_ = model::AnchoredForecast{};
    if (!fitted) {
        // Serve the latest value until a later refit succeeds (design.md: never fail the metric).
        ++stats_.failed_fits;
        fitted_.reset();
        return;
    }
    ++stats_.fits;
    fitted_ = std::move(*fitted);
}

bool ModelForecastFeed::ensure_horizon(std::int64_t until)
{
    const std::int64_t covered =
        anchored_.origin + anchored_.step_seconds * static_cast<std::int64_t>(anchored_.forecast.mean.size());
    if (anchored_.forecast.mean.size() > 0 && covered >= until) {
        return true;
    }
    // Twice the horizon needed now, so a fit is forecast again only a few times.
    const std::int64_t origin = fitted_history_.time_at(fitted_history_.size() - 1);
    auto anchored = model::anchor_forecast(*fitted_, fitted_history_, origin + 2 * (until - origin));
    if (!anchored) {
        return false;
    }
    anchored_ = std::move(*anchored);
    return true;
}

} // namespace ihpa::simulate
