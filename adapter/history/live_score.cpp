#include "adapter/history/live_score.hpp"

#include <cmath>

namespace ihpa::adapter {

LiveScore::LiveScore(std::size_t window) : window_(window) {}

void LiveScore::predicted(std::int64_t target, double yhat, double lower, double upper,
                          double naive)
{
    if (!pending_.empty() && pending_.back().target >= target) {
        return;
    }
    pending_.push_back({target, yhat, lower, upper, naive});
}

void LiveScore::settle(const model::Series& series)
{
    while (!pending_.empty()) {
        const Prediction& p = pending_.front();
        if (p.target < series.start) {
            pending_.pop_front(); // its actual has left the window: never settled
            continue;
        }
        const std::int64_t offset = p.target - series.start;
        const std::int64_t index = offset / series.step_seconds;
        if (offset % series.step_seconds != 0 || index >= series.size()) {
            if (index >= series.size()) {
                break; // not arrived yet; later targets neither
            }
            pending_.pop_front(); // not on the grid: cannot be settled
            continue;
        }
        const double actual = series.values[index];
        if (!std::isfinite(actual)) {
            if (index < series.size() - 1) {
                pending_.pop_front(); // a gap in the past: never settled
                continue;
            }
            break; // the newest slot may still be filled
        }
        const Outcome outcome{static_cast<float>(std::abs(actual - p.yhat)),
                              static_cast<float>(std::abs(actual - p.naive)),
                              actual >= p.lower && actual <= p.upper};
        pending_.pop_front();
        settled_.push_back(outcome);
        forecast_error_sum_ += outcome.forecast_error;
        naive_error_sum_ += outcome.naive_error;
        covered_ += outcome.covered ? 1 : 0;
        if (settled_.size() > window_) {
            const Outcome& old = settled_.front();
            forecast_error_sum_ -= old.forecast_error;
            naive_error_sum_ -= old.naive_error;
            covered_ -= old.covered ? 1 : 0;
            settled_.pop_front();
        }
    }
}

std::optional<double> LiveScore::rel_mae() const
{
    if (settled_.empty() || naive_error_sum_ <= 0.0) {
        return std::nullopt;
    }
    return std::max(0.0, forecast_error_sum_) / naive_error_sum_;
}

std::optional<double> LiveScore::coverage() const
{
    if (settled_.empty()) {
        return std::nullopt;
    }
    return static_cast<double>(covered_) / static_cast<double>(settled_.size());
}

} // namespace ihpa::adapter
