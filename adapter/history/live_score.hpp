#pragma once

#include "model/series.hpp"

#include <cstdint>
#include <deque>
#include <optional>

namespace ihpa::adapter {

/// A live backtest of one forecast: every prediction made (the value forecast for a target time,
/// its 10–90 % band, and the naive forecast = the value observed when it was made) is settled
/// when the actual for its target time arrives. Over the last `window` settled predictions it
/// reports relMAE (forecast MAE / naive MAE: below 1 beats "use the current value") and the
/// coverage of the band. Not thread-safe: the forecast state guards it.
class LiveScore {
public:
    /// `window` >= 1 settled predictions are kept.
    explicit LiveScore(std::size_t window);

    /// Records a prediction for `target` (unix seconds). Predictions for a target already
    /// pending are ignored (one per target time).
    void predicted(std::int64_t target, double yhat, double lower, double upper, double naive);

    /// Settles every pending prediction whose target lies inside `series` and has a finite
    /// value there (the actual); predictions older than the series start are dropped.
    void settle(const model::Series& series);

    /// Forecast MAE / naive MAE over the window; nullopt before any settled prediction or when
    /// the naive error is zero.
    [[nodiscard]] std::optional<double> rel_mae() const;
    /// Share of settled actuals inside [lower, upper]; nullopt before any.
    [[nodiscard]] std::optional<double> coverage() const;
    /// Settled predictions in the window.
    [[nodiscard]] std::size_t settled() const { return settled_.size(); }
    /// Predictions waiting for their actual.
    [[nodiscard]] std::size_t pending() const { return pending_.size(); }

private:
    struct Prediction {
        std::int64_t target;
        double yhat, lower, upper, naive;
    };
    /// Stored in single precision: a score is a ratio of sums, and thousands of forecasts keep
    /// a window each.
    struct Outcome {
        float forecast_error, naive_error;
        bool covered;
    };

    std::size_t window_;
    std::deque<Prediction> pending_; ///< ordered by target
    std::deque<Outcome> settled_;
    double forecast_error_sum_ = 0.0;
    double naive_error_sum_ = 0.0;
    std::size_t covered_ = 0;
};

} // namespace ihpa::adapter
