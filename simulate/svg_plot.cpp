#include "simulate/svg_plot.hpp"

#include "common/number_text.hpp"
#include "common/svg_chart.hpp"
#include "simulate/duration.hpp"

#include <algorithm>

namespace ihpa::simulate {

using common::shortest_text;

namespace {

constexpr std::int64_t kZoomSeconds = 6 * 3600;

constexpr const char* kLoadColor = "#222222";
constexpr const char* kReactiveColor = "#d62728";
constexpr const char* kPredictiveColor = "#1f77b4";
constexpr const char* kForecastColor = "#2ca02c";

/// The syncs [first, last) as a panel: load and forecast as the max per pixel column, the ready
/// capacity of each side as the min, so short shortfalls stay visible.
common::ChartPanel panel(const Comparison& c, double capacity, std::size_t first, std::size_t last,
                         std::string title)
{
    common::ChartPanel p;
    p.title = std::move(title);
    common::ChartBand band{kForecastColor, {}, {}};
    common::ChartLine forecast{kForecastColor, 1.0, {}, common::ColumnReduce::Max};
    common::ChartLine reactive{kReactiveColor, 1.4, {}, common::ColumnReduce::Min};
    common::ChartLine predictive{kPredictiveColor, 1.4, {}, common::ColumnReduce::Min};
    common::ChartLine load{kLoadColor, 1.0, {}, common::ColumnReduce::Max};
    for (std::size_t i = first; i < last; ++i) {
        const Tick& t = c.predictive.ticks[i];
        p.times.push_back(t.time);
        band.lower.push_back(t.forecast.lower);
        band.upper.push_back(t.forecast.upper);
        forecast.values.push_back(t.forecast.value);
        reactive.values.push_back(c.reactive.ticks[i].ready * capacity);
        predictive.values.push_back(t.ready * capacity);
        load.values.push_back(t.demand);
    }
    p.bands.push_back(std::move(band));
    p.lines = {std::move(forecast), std::move(reactive), std::move(predictive), std::move(load)};
    return p;
}

/// Index of the sync where the reactive side misses the most pods (0 when it never does).
std::size_t worst_reactive_tick(const Comparison& c, double capacity)
{
    std::size_t worst = 0;
    double worst_shortfall = 0.0;
    for (std::size_t i = 0; i < c.reactive.ticks.size(); ++i) {
        const Tick& t = c.reactive.ticks[i];
        const double shortfall = t.demand / capacity - t.ready;
        if (shortfall > worst_shortfall) {
            worst_shortfall = shortfall;
            worst = i;
        }
    }
    return worst;
}

} // namespace

std::string render_svg(const Comparison& comparison, const RunDescription& run)
{
    const double capacity = run.simulation.per_pod_capacity;
    const std::size_t n = comparison.reactive.ticks.size();
    common::Chart chart;
    chart.heading = "ihpa simulate: " + run.trace_name + " (per-pod capacity " + shortest_text(capacity) +
                    ", pod start-up " + format_duration(run.simulation.pod_startup_seconds) + ", lead " +
                    format_duration(run.feed.shift.lead_seconds) + ", " + run.model + " " + run.rule + "/" +
                    run.band + "; times UTC)";
    chart.legend = {{kLoadColor, "load (max per pixel)"},
                    {kReactiveColor, "ready capacity, reactive (min per pixel)"},
                    {kPredictiveColor, "ready capacity, predictive (min per pixel)"},
                    {kForecastColor, "forecast entry read by the HPA, 10-90 % band"}};
    if (n > 0) {
        chart.panels.push_back(panel(comparison, capacity, 0, n, "whole trace"));
        const auto window = static_cast<std::size_t>(kZoomSeconds / run.simulation.sync_seconds);
        const std::size_t worst = worst_reactive_tick(comparison, capacity);
        const std::size_t first =
            worst > window / 2 ? std::min(worst - window / 2, n - std::min(n, window)) : 0;
        const std::size_t last = std::min(n, first + window);
        chart.panels.push_back(
            panel(comparison, capacity, first, last, "6 hours around the reactive side's largest shortfall"));
    }
    return common::render_svg_chart(chart);
}

} // namespace ihpa::simulate
