#include "simulate/forecast_feed.hpp"

#include "simulate/trace.hpp"

#include <algorithm>

namespace ihpa::simulate {
namespace {

/// The trace as the adapter's history would hold it at `now`: the samples up to `now` (a trace
/// has no gaps, backtest/trace_csv refuses them), the latest of them polled at `now`.
class TraceHistory final : public model::HistoryView {
public:
    TraceHistory(const model::Series& trace, std::int64_t history_seconds, std::int64_t now)
        : trace_(trace), now_(now), samples_(samples_until(trace, now)),
          in_window_(samples_ - samples_until(trace, now - history_seconds))
    {
    }

    [[nodiscard]] std::optional<model::Observation> latest() const override
    {
        if (samples_ == 0) {
            return std::nullopt;
        }
        return model::Observation{now_ * 1000, trace_.values[samples_ - 1]};
    }
    [[nodiscard]] std::int64_t finite_samples() const override { return in_window_; }
    [[nodiscard]] std::int64_t step_seconds() const override { return trace_.step_seconds; }
    [[nodiscard]] model::Series since(std::int64_t from) const override
    {
        const Eigen::Index first = std::min(samples_until(trace_, from - 1), samples_);
        model::Series out;
        out.start = trace_.time_at(first);
        out.step_seconds = trace_.step_seconds;
        out.values = trace_.values.segment(first, samples_ - first);
        return out;
    }

private:
    const model::Series& trace_;
    std::int64_t now_;
    Eigen::Index samples_;   ///< samples with time <= now
    Eigen::Index in_window_; ///< of them, those newer than now - history
};

} // namespace

ModelForecastFeed::ModelForecastFeed(const model::Series& trace,
                                     std::unique_ptr<model::Forecaster> forecaster,
                                     model::ServingPolicy policy)
    : trace_(trace), forecaster_(std::move(forecaster)), policy_(policy)
{
}

ForecastReading ModelForecastFeed::read(std::int64_t now)
{
    const TraceHistory history(trace_, policy_.history_seconds, now);
    if (model::fit_due(next_attempt_, now)) {
        model::FitAttempt attempt = model::attempt_fit(policy_, *forecaster_, history, now);
        next_attempt_ = attempt.next_attempt;
        if (attempt.outcome == model::FitAttempt::Outcome::Fitted) {
            ++stats_.fits;
            fit_ = std::move(attempt.anchored);
        } else if (attempt.outcome == model::FitAttempt::Outcome::Failed) {
            ++stats_.failed_fits;
        }
    }
    const auto served = model::serve(policy_, history, fit_ ? &*fit_ : nullptr, now * 1000);
    if (!served) {
        // Before the trace's first sample: no entry, which adds no capacity (the HPA takes the max).
        return {0.0, 0.0, 0.0};
    }
    if (served->state != model::ServingState::Forecast) {
        ++stats_.cold_reads;
        return {served->value, served->value, served->value};
    }
    // Served from the fit, so the fit reaches now + lead.
    const model::BandValue band = model::band_at(*fit_, now + policy_.shift.lead_seconds).value();
    return {served->value, model::clamp_served(policy_.shift, band.lower),
            model::clamp_served(policy_.shift, band.upper)};
}

} // namespace ihpa::simulate
