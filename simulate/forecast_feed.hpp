#pragma once

#include "model/forecaster.hpp"
#include "model/series.hpp"
#include "model/time_shift.hpp"
#include "simulate/error.hpp"

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

namespace ihpa::simulate {

/// What the predictive HPA's forecast entry shows at one sync: the served value and, for the
/// plot, the 10 %/90 % band of the forecast it came from (both equal to `value` when the
/// source has no band).
struct ForecastReading {
    double value = 0.0; ///< the entry the HPA reads: a workload total, >= 0
    double lower = 0.0; ///< 10 % quantile at now + lead (plot only)
    double upper = 0.0; ///< 90 % quantile at now + lead (plot only)
};

/// Where the simulated HPA gets its forecast entry from. Injected, so tests can feed
/// hand-made forecasts; the real one runs `model/` on the trace, the oracle reads the future.
class ForecastSource {
public:
    virtual ~ForecastSource() = default;
    /// The entry at sync time `now`; calls come with strictly increasing `now`. A source that
    /// stands for a real forecaster uses no trace sample newer than `now`.
    [[nodiscard]] virtual ForecastReading read(std::int64_t now) = 0;
};

/// How the forecast entry is computed, as `ihpa serve` does for one series.
struct FeedSettings {
    /// Lead, rule and band (model/time_shift); design.md's defaults, rule windowMax.
    model::TimeShift shift{300, model::ShiftRule::WindowMax, model::ShiftBand::Yhat, std::nullopt};
    std::int64_t refit_seconds = 300;         ///< refit interval (trace time), > 0
    std::int64_t history_seconds = 14 * 86400; ///< at most this much history per fit, > 0
    Eigen::Index min_history = 30;            ///< fewer samples: serve the latest value
};

/// Counters of what the feed did, for the summary.
struct FeedStats {
    int fits = 0;          ///< successful fits
    int failed_fits = 0;   ///< fits the model refused; the latest value was served meanwhile
    int cold_reads = 0;    ///< reads answered with the latest value (short history or no fit)
};

/// The real forecast entry: fits a `model::Forecaster` on the trace samples seen so far
/// (never a sample newer than `now`), refitting every `refit_seconds` of trace time when new
/// samples arrived, and serves `model::shifted_value` of the latest fit at `now` (the path from
/// the last fitted sample through the horizons, linear in between like the replayed load;
/// `adjust` sees the samples that arrived since the fit). With too little history or no
/// successful fit it serves the latest observed value, as design.md's cold-start rule says.
class ModelForecastFeed final : public ForecastSource {
public:
    /// `trace` outlives the feed; `forecaster` is not null.
    ModelForecastFeed(const model::Series& trace, std::unique_ptr<model::Forecaster> forecaster,
                      FeedSettings settings);

    [[nodiscard]] ForecastReading read(std::int64_t now) override;

    /// What the feed has done so far.
    [[nodiscard]] const FeedStats& stats() const { return stats_; }

private:
    void refit(std::int64_t now, Eigen::Index samples);
    [[nodiscard]] bool ensure_horizon(std::int64_t until);
    [[nodiscard]] ForecastReading latest_value(std::int64_t now);

    const model::Series& trace_;
    std::unique_ptr<model::Forecaster> forecaster_;
    FeedSettings settings_;
    FeedStats stats_;
    std::shared_ptr<const model::FittedModel> fitted_;
    model::Series fitted_history_;       ///< the series `fitted_` was fitted on
    model::AnchoredForecast anchored_;   ///< `fitted_`'s forecast, long enough for the reads so far
    Eigen::Index fitted_samples_ = 0;    ///< samples the last fit attempt saw
    std::int64_t last_fit_time_ = 0;     ///< sync time of the last fit attempt
};

} // namespace ihpa::simulate
