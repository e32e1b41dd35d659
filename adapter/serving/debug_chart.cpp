#include "adapter/serving/debug_chart.hpp"

#include "common/svg_chart.hpp"
#include "common/time_text.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ihpa::adapter {
namespace {

constexpr const char* kObservedColor = "#222222";
constexpr const char* kServedColor = "#ff7f0e";
constexpr const char* kPublishedColor = "#1f77b4";
constexpr const char* kForecastColor = "#2ca02c";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The panel's time grid: every step from the first history slot to the last time any path
/// reaches, and a setter that places a value at a time (ignored outside the grid).
struct Grid {
    std::int64_t start;
    std::int64_t step;
    std::size_t size;
    [[nodiscard]] std::vector<double> empty() const { return std::vector<double>(size, kNaN); }
    void put(std::vector<double>& values, std::int64_t t, double v) const
    {
        if (t < start) {
            return;
        }
        const auto i = static_cast<std::size_t>((t - start + step / 2) / step);
        if (i < size) {
            values[i] = v;
        }
    }
};

std::string labels_text(const std::map<std::string, std::string>& labels)
{
    std::string out;
    for (const auto& [key, value] : labels) {
        out += (out.empty() ? "" : ",") + key + "=" + value;
    }
    return out.empty() ? "(no labels)" : out;
}

/// The title of a panel: the labels, the serving state and the model in use.
std::string title(const DebugEntry& e)
{
    std::string out = labels_text(e.labels);
    if (!e.forecast) {
        return out + ": pass-through";
    }
    out += std::string(": ") + to_string(e.forecast->status.state);
    const std::string& model = e.forecast->status.model;
    if (!model.empty()) {
        constexpr std::size_t kLongest = 110;
        out += ", " + (model.size() > kLongest ? model.substr(0, kLongest) + "..." : model);
    }
    return out;
}

common::ChartPanel panel(const DebugEntry& e, std::int64_t now)
{
    const model::Series& history = e.forecast ? e.forecast->history : e.history;
    const std::int64_t step = std::max<std::int64_t>(1, history.step_seconds);
    std::int64_t end = std::max(now, history.time_at(history.size() - 1));
    std::int64_t lead = 0;
    if (e.forecast) {
        lead = e.config->settings.shift.lead_seconds;
        end = std::max(end, now + lead);
        if (const auto& outlook = e.forecast->outlook) {
            end = std::max(end, outlook->path.origin + step * outlook->path.forecast.mean.size());
        }
    }
    const std::int64_t start = history.size() > 0 ? history.start : now;
    const Grid grid{start, step, static_cast<std::size_t>((end - start) / step + 1)};

    common::ChartPanel p;
    p.title = title(e);
    for (std::size_t i = 0; i < grid.size; ++i) {
        p.times.push_back(start + static_cast<std::int64_t>(i) * step);
    }
    p.marker = now;
    p.marker_label = "now";
    common::ChartLine observed{kObservedColor, 1.2, grid.empty(), common::ColumnReduce::Max};
    for (Eigen::Index i = 0; i < history.size(); ++i) {
        grid.put(observed.values, history.time_at(i), history.values[i]);
    }
    if (e.forecast) {
        common::ChartBand band{kForecastColor, grid.empty(), grid.empty()};
        common::ChartLine mean{kForecastColor, 1.2, grid.empty(), common::ColumnReduce::Max};
        if (const auto& outlook = e.forecast->outlook) {
            const model::AnchoredForecast& a = outlook->path;
            for (Eigen::Index h = 1; h <= a.forecast.mean.size(); ++h) {
                const std::int64_t t = a.origin + h * a.step_seconds;
                grid.put(band.lower, t, a.forecast.lower[h - 1]);
                grid.put(band.upper, t, a.forecast.upper[h - 1]);
                grid.put(mean.values, t, a.forecast.mean[h - 1]);
            }
        }
        common::ChartLine published{kPublishedColor, 1.6, grid.empty(), common::ColumnReduce::Max};
        if (const auto& fit = e.forecast->fit) {
            const model::AnchoredForecast& a = fit->anchored;
            for (Eigen::Index h = 1; h <= a.forecast.mean.size(); ++h) {
                grid.put(published.values, a.origin + h * a.step_seconds, a.forecast.mean[h - 1]);
            }
        }
        common::ChartLine served{kServedColor, 2.4, grid.empty(), common::ColumnReduce::Max};
        if (e.forecast->served) {
            for (std::int64_t t = now; t <= now + lead; t += step) {
                grid.put(served.values, t, e.forecast->served->value);
            }
        }
        p.bands.push_back(std::move(band));
        p.lines = {std::move(mean), std::move(published), std::move(served)};
    }
    p.lines.push_back(std::move(observed));
    return p;
}

} // namespace

std::string render_debug_chart(std::string_view metric, std::string_view ns,
                               std::chrono::system_clock::time_point now, const std::vector<DebugEntry>& entries,
                               std::size_t max_panels)
{
    common::Chart chart;
    chart.heading = "ihpa: " + std::string(metric) + " in " + std::string(ns) + " at " + common::rfc3339(now) +
                    " (" + std::to_string(entries.size()) + (entries.size() == 1 ? " entry" : " entries") +
                    (entries.size() > max_panels ? ", the first " + std::to_string(max_panels) + " shown" : "") +
                    "; times UTC)";
    chart.legend = {{kObservedColor, "observed"},
                    {kServedColor, "served now, over the lead"},
                    {kPublishedColor, "published fit"},
                    {kForecastColor, "forecast, 10-90 % band"}};
    const std::int64_t t = unix_seconds(now);
    for (std::size_t i = 0; i < std::min(max_panels, entries.size()); ++i) {
        chart.panels.push_back(panel(entries[i], t));
    }
    return common::render_svg_chart(chart);
}

} // namespace ihpa::adapter
