#pragma once

#include "model/series.hpp"
#include "simulate/forecast_feed.hpp"
#include "simulate/metrics.hpp"
#include "simulate/simulation.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ihpa::simulate {

/// One simulated side: its sync-by-sync record and what it cost.
struct SideRun {
    std::vector<Tick> ticks;
    SideMetrics metrics;
};

/// The three sides over the same trace and settings, tick for tick aligned.
struct Comparison {
    SideRun reactive;   ///< the HPA reads the observed metric only
    SideRun predictive; ///< observed metric + ihpa's forecast entry, max
    SideRun oracle;     ///< observed metric + the true future load under the same rule, max
};

/// Describes a run for the summary, the plot and the report (no effect on the simulation).
struct RunDescription {
    std::string trace_name;
    Eigen::Index trace_points = 0;
    std::int64_t trace_step_seconds = 0;
    std::string capacity_source; ///< how the per-pod capacity was chosen, in words
    std::string model;           ///< forecasting model name
    std::string seasonality = "auto"; ///< the seasonality setting, e.g. "auto", "none", "24h"
    std::string rule;            ///< time-shift rule as configured, e.g. "windowMax"
    std::string band;            ///< forecast band as configured, e.g. "yhat"
    model::ServingPolicy feed;   ///< lead, rule, band, refit and history of the forecast entry
    FeedStats feed_stats;        ///< what the predictive side's feed did
    SimulationSettings simulation;
};

/// Runs the reactive, predictive and oracle sides (see `simulate_side`) and measures them.
[[nodiscard]] Comparison run_comparison(const model::Series& trace, const SimulationSettings& settings,
                                        ForecastSource& predictive, ForecastSource& oracle);

} // namespace ihpa::simulate
