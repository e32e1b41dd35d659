#include "simulate/svg_plot.hpp"

#include "common/number_text.hpp"
#include "simulate/duration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <limits>
#include <vector>

namespace ihpa::simulate {

using common::fixed_text;
using common::shortest_text;

namespace {

constexpr double kWidth = 1200.0;
constexpr double kPanelHeight = 300.0;
constexpr double kLeft = 70.0;
constexpr double kRight = 20.0;
constexpr std::int64_t kZoomSeconds = 6 * 3600;

constexpr const char* kLoadColor = "#222222";
constexpr const char* kReactiveColor = "#d62728";
constexpr const char* kPredictiveColor = "#1f77b4";
constexpr const char* kForecastColor = "#2ca02c";

/// One pixel column: the syncs [first, last) summarised.
struct Column {
    double load = 0.0;
    double forecast = 0.0;
    double lower = 0.0;
    double upper = 0.0;
    double reactive = 0.0;
    double predictive = 0.0;
};

std::vector<Column> summarise(const Comparison& c, double capacity, std::size_t first, std::size_t last,
                              std::size_t columns)
{
    constexpr double inf = std::numeric_limits<double>::infinity();
    std::vector<Column> out;
    const std::size_t n = last - first;
    for (std::size_t col = 0; col < columns; ++col) {
        const std::size_t begin = first + col * n / columns;
        const std::size_t end = std::max(begin + 1, first + (col + 1) * n / columns);
        Column column{0.0, 0.0, inf, 0.0, inf, inf};
        for (std::size_t i = begin; i < end; ++i) {
            const Tick& p = c.predictive.ticks[i];
            column.load = std::max(column.load, p.demand);
            column.forecast = std::max(column.forecast, p.forecast.value);
            column.lower = std::min(column.lower, p.forecast.lower);
            column.upper = std::max(column.upper, p.forecast.upper);
            column.reactive = std::min(column.reactive, c.reactive.ticks[i].ready * capacity);
            column.predictive = std::min(column.predictive, p.ready * capacity);
        }
        out.push_back(column);
    }
    return out;
}

/// 1, 2 or 5 × 10^k so that about five grid lines cover [0, top].
double grid_step(double top)
{
    const double raw = top / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0}) {
        if (m * magnitude >= raw) {
            return m * magnitude;
        }
    }
    return 10.0 * magnitude;
}

std::string utc_label(std::int64_t t)
{
    const std::time_t time = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&time, &tm);
    std::array<char, 32> buffer{};
    const std::size_t len = std::strftime(buffer.data(), buffer.size(), "%m-%d %H:%M", &tm);
    return std::string(buffer.data(), len);
}

struct Frame {
    double x;
    double y;
    double w;
    double h;
    double top; ///< value at the upper edge
    [[nodiscard]] double px(std::size_t col, std::size_t columns) const
    {
        return x + w * (static_cast<double>(col) + 0.5) / static_cast<double>(columns);
    }
    [[nodiscard]] double py(double value) const { return y + h - h * std::clamp(value / top, 0.0, 1.0); }
};

template <typename Get>
std::string polyline(const std::vector<Column>& columns, const Frame& f, Get get, const char* color,
                     double width)
{
    std::string points;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        points += fixed_text(f.px(i, columns.size()), 1) + ',' + fixed_text(f.py(get(columns[i])), 1) + ' ';
    }
    return "<polyline fill=\"none\" stroke=\"" + std::string(color) + "\" stroke-width=\"" +
           fixed_text(width, 1) + "\" points=\"" + points + "\"/>\n";
}

std::string band_polygon(const std::vector<Column>& columns, const Frame& f)
{
    std::string points;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        points += fixed_text(f.px(i, columns.size()), 1) + ',' + fixed_text(f.py(columns[i].upper), 1) + ' ';
    }
    for (std::size_t i = columns.size(); i-- > 0;) {
        points += fixed_text(f.px(i, columns.size()), 1) + ',' + fixed_text(f.py(columns[i].lower), 1) + ' ';
    }
    return "<polygon fill=\"" + std::string(kForecastColor) + "\" fill-opacity=\"0.18\" stroke=\"none\" points=\"" +
           points + "\"/>\n";
}

std::string text(double x, double y, std::string_view content, const char* anchor = "start",
                 const char* extra = "")
{
    return "<text x=\"" + fixed_text(x, 1) + "\" y=\"" + fixed_text(y, 1) + "\" text-anchor=\"" + anchor + "\"" +
           extra + ">" + xml_escape(content) + "</text>\n";
}

std::string panel(const Comparison& c, double capacity, std::size_t first, std::size_t last, double y,
                  std::string_view title)
{
    const Frame probe{kLeft, y + 24.0, kWidth - kLeft - kRight, kPanelHeight - 60.0, 1.0};
    const std::size_t columns = std::min(last - first, static_cast<std::size_t>(probe.w));
    const std::vector<Column> data = summarise(c, capacity, first, last, columns);
    double top = 0.0;
    for (const Column& col : data) {
        top = std::max({top, col.load, col.upper, col.forecast, col.reactive, col.predictive});
    }
    top = top > 0.0 ? top * 1.05 : 1.0;
    const Frame f{probe.x, probe.y, probe.w, probe.h, top};

    std::string out = text(f.x, y + 16.0, title, "start", " font-weight=\"bold\"");
    out += "<rect x=\"" + fixed_text(f.x, 1) + "\" y=\"" + fixed_text(f.y, 1) + "\" width=\"" + fixed_text(f.w, 1) +
           "\" height=\"" + fixed_text(f.h, 1) + "\" fill=\"#ffffff\" stroke=\"#999999\"/>\n";
    const double step = grid_step(top);
    for (double v = 0.0; v <= top; v += step) {
        const std::string gy = fixed_text(f.py(v), 1);
        out += "<line x1=\"" + fixed_text(f.x, 1) + "\" x2=\"" + fixed_text(f.x + f.w, 1) + "\" y1=\"" + gy +
               "\" y2=\"" + gy + "\" stroke=\"#e5e5e5\"/>\n";
        out += text(f.x - 6.0, f.py(v) + 4.0, shortest_text(v), "end");
    }
    constexpr int kTimeLabels = 6;
    for (int k = 0; k <= kTimeLabels; ++k) {
        const std::size_t col = std::min(columns - 1, static_cast<std::size_t>(k) * columns / kTimeLabels);
        const std::size_t tick = first + col * (last - first) / columns;
        out += text(f.px(col, columns), f.y + f.h + 16.0, utc_label(c.reactive.ticks[tick].time), "middle");
    }
    out += band_polygon(data, f);
    out += polyline(data, f, [](const Column& col) { return col.forecast; }, kForecastColor, 1.0);
    out += polyline(data, f, [](const Column& col) { return col.reactive; }, kReactiveColor, 1.4);
    out += polyline(data, f, [](const Column& col) { return col.predictive; }, kPredictiveColor, 1.4);
    out += polyline(data, f, [](const Column& col) { return col.load; }, kLoadColor, 1.0);
    return out;
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

std::string legend(double y)
{
    const std::array<std::pair<const char*, const char*>, 4> entries{{
        {kLoadColor, "load (max per pixel)"},
        {kReactiveColor, "ready capacity, reactive (min per pixel)"},
        {kPredictiveColor, "ready capacity, predictive (min per pixel)"},
        {kForecastColor, "forecast entry read by the HPA, 10-90 % band"},
    }};
    std::string out;
    double x = kLeft;
    for (const auto& [color, label] : entries) {
        out += "<rect x=\"" + fixed_text(x, 1) + "\" y=\"" + fixed_text(y - 9.0, 1) +
               "\" width=\"14\" height=\"10\" fill=\"" + color + "\"/>\n";
        out += text(x + 18.0, y, label);
        x += 18.0 + 7.0 * static_cast<double>(std::string_view(label).size()) + 24.0;
    }
    return out;
}

} // namespace

std::string xml_escape(std::string_view text)
{
    std::string out;
    for (const char ch : text) {
        switch (ch) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            out += ch;
        }
    }
    return out;
}

std::string render_svg(const Comparison& comparison, const RunDescription& run)
{
    const double capacity = run.simulation.per_pod_capacity;
    const std::size_t n = comparison.reactive.ticks.size();
    const double height = 60.0 + 2.0 * kPanelHeight + 20.0;
    std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed_text(kWidth, 0) +
                      "\" height=\"" + fixed_text(height, 0) + "\" viewBox=\"0 0 " + fixed_text(kWidth, 0) + ' ' +
                      fixed_text(height, 0) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    out += "<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>\n";
    const std::string heading = "ihpa simulate: " + run.trace_name + " (per-pod capacity " +
                                shortest_text(capacity) + ", pod start-up " +
                                format_duration(run.simulation.pod_startup_seconds) + ", lead " +
                                format_duration(run.feed.shift.lead_seconds) + ", " + run.model + " " + run.rule +
                                "/" + run.band + "; times UTC)";
    out += text(kLeft, 22.0, heading, "start", " font-size=\"15\"");
    out += legend(44.0);
    if (n == 0) {
        return out + "</svg>\n";
    }
    out += panel(comparison, capacity, 0, n, 56.0, "whole trace");
    const auto window = static_cast<std::size_t>(kZoomSeconds / run.simulation.sync_seconds);
    const std::size_t worst = worst_reactive_tick(comparison, capacity);
    const std::size_t first = worst > window / 2 ? std::min(worst - window / 2, n - std::min(n, window)) : 0;
    const std::size_t last = std::min(n, first + window);
    out += panel(comparison, capacity, first, last, 56.0 + kPanelHeight,
                 "6 hours around the reactive side's largest shortfall");
    return out + "</svg>\n";
}

} // namespace ihpa::simulate
