#pragma once

#include "model/forecaster.hpp"
#include "model/serving.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <memory>
#include <optional>

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

/// Counters of what the feed did, for the summary.
struct FeedStats {
    int fits = 0;          ///< successful fits
    int failed_fits = 0;   ///< fits the model refused; the previous fit (or the latest value) served meanwhile
    int cold_reads = 0;    ///< reads answered with the latest value (cold start, no fit reaching now + lead)
};

/// The real forecast entry: `ihpa serve`'s policy (model/serving, the same functions
/// adapter/serving/forecast_state calls) on the trace samples seen so far, never a sample newer than
/// `now`. Fit attempts, fit window, anchoring, fallbacks and clamp are the adapter's; the
/// simulated source never fails, so each read sees the latest sample as polled at `now` (the
/// stale states never occur).
class ModelForecastFeed final : public ForecastSource {
public:
    /// `trace` outlives the feed; `forecaster` is not null.
    ModelForecastFeed(const model::Series& trace, std::unique_ptr<model::Forecaster> forecaster,
                      model::ServingPolicy policy);

    [[nodiscard]] ForecastReading read(std::int64_t now) override;

    /// What the feed has done so far.
    [[nodiscard]] const FeedStats& stats() const { return stats_; }

private:
    const model::Series& trace_;
    std::unique_ptr<model::Forecaster> forecaster_;
    model::ServingPolicy policy_;
    FeedStats stats_;
    std::optional<std::int64_t> next_attempt_;  ///< when the next fit attempt is due
    std::optional<model::AnchoredForecast> fit_; ///< the latest successful fit
};

} // namespace ihpa::simulate
