#include "common/svg_chart.hpp"

#include "common/number_text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <limits>

namespace ihpa::common {
namespace {

constexpr double kWidth = 1200.0;
constexpr double kPanelHeight = 300.0;
constexpr double kLeft = 70.0;
constexpr double kRight = 20.0;
constexpr double kTop = 56.0;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The reduction of values[begin, end) ignoring NaN; NaN when every one is.
double reduce(const std::vector<double>& values, std::size_t begin, std::size_t end, ColumnReduce how)
{
    double out = kNaN;
    for (std::size_t i = begin; i < end; ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            continue;
        }
        if (std::isnan(out)) {
            out = v;
        } else {
            out = how == ColumnReduce::Max ? std::max(out, v) : std::min(out, v);
        }
    }
    return out;
}

/// Splits n points into `columns` pixel columns: column c holds [begin(c), begin(c + 1)).
struct Columns {
    std::size_t n;
    std::size_t count;
    [[nodiscard]] std::size_t begin(std::size_t c) const { return c * n / count; }
    [[nodiscard]] std::size_t end(std::size_t c) const { return std::max(begin(c) + 1, (c + 1) * n / count); }
    /// The column holding point i.
    [[nodiscard]] std::size_t of(std::size_t i) const
    {
        std::size_t c = std::min(count - 1, i * count / n);
        while (c > 0 && begin(c) > i) {
            --c;
        }
        while (c + 1 < count && end(c) <= i) {
            ++c;
        }
        return c;
    }
};

std::vector<double> summarise(const std::vector<double>& values, const Columns& columns, ColumnReduce how)
{
    std::vector<double> out(columns.count);
    for (std::size_t c = 0; c < columns.count; ++c) {
        out[c] = reduce(values, columns.begin(c), columns.end(c), how);
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
    const auto time = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&time, &tm);
    std::array<char, 32> buffer{};
    const std::size_t len = std::strftime(buffer.data(), buffer.size(), "%m-%d %H:%M", &tm);
    return {buffer.data(), len};
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

std::string point(const Frame& f, std::size_t col, std::size_t columns, double value)
{
    return fixed_text(f.px(col, columns), 1) + ',' + fixed_text(f.py(value), 1);
}

/// A path through the finite column values, broken where they are NaN.
std::string line_path(const std::vector<double>& values, const Frame& f, const ChartLine& line)
{
    std::string d;
    bool drawing = false;
    for (std::size_t c = 0; c < values.size(); ++c) {
        if (std::isnan(values[c])) {
            drawing = false;
            continue;
        }
        d += (drawing ? " L" : (d.empty() ? "M" : " M")) + point(f, c, values.size(), values[c]);
        drawing = true;
    }
    if (d.empty()) {
        return {};
    }
    return "<path fill=\"none\" stroke=\"" + xml_escape(line.color) + "\" stroke-width=\"" +
           fixed_text(line.width, 1) + "\" d=\"" + d + "\"/>\n";
}

/// One polygon per run of columns where both paths of the band are finite.
std::string band_polygons(const std::vector<double>& lower, const std::vector<double>& upper, const Frame& f,
                          const std::string& color)
{
    std::string out;
    const std::size_t n = lower.size();
    std::size_t c = 0;
    while (c < n) {
        if (std::isnan(lower[c]) || std::isnan(upper[c])) {
            ++c;
            continue;
        }
        std::size_t last = c;
        while (last + 1 < n && !std::isnan(lower[last + 1]) && !std::isnan(upper[last + 1])) {
            ++last;
        }
        std::string points;
        for (std::size_t i = c; i <= last; ++i) {
            points += point(f, i, n, upper[i]) + ' ';
        }
        for (std::size_t i = last + 1; i-- > c;) {
            points += point(f, i, n, lower[i]) + ' ';
        }
        out += "<polygon fill=\"" + xml_escape(color) + "\" fill-opacity=\"0.18\" stroke=\"none\" points=\"" +
               points + "\"/>\n";
        c = last + 1;
    }
    return out;
}

std::string text(double x, double y, std::string_view content, const char* anchor = "start",
                 const char* extra = "")
{
    return "<text x=\"" + fixed_text(x, 1) + "\" y=\"" + fixed_text(y, 1) + "\" text-anchor=\"" + anchor + "\"" +
           extra + ">" + xml_escape(content) + "</text>\n";
}

std::string frame_rect(const Frame& f)
{
    return "<rect x=\"" + fixed_text(f.x, 1) + "\" y=\"" + fixed_text(f.y, 1) + "\" width=\"" + fixed_text(f.w, 1) +
           "\" height=\"" + fixed_text(f.h, 1) + "\" fill=\"#ffffff\" stroke=\"#999999\"/>\n";
}

std::string panel(const ChartPanel& p, double y)
{
    const Frame probe{kLeft, y + 24.0, kWidth - kLeft - kRight, kPanelHeight - 60.0, 1.0};
    std::string out = text(probe.x, y + 16.0, p.title, "start", " font-weight=\"bold\"");
    const std::size_t n = p.times.size();
    if (n == 0) {
        return out + frame_rect(probe) + text(probe.x + probe.w / 2.0, probe.y + probe.h / 2.0, "no data", "middle");
    }
    const Columns columns{n, std::min(n, static_cast<std::size_t>(probe.w))};
    std::vector<std::pair<std::vector<double>, std::vector<double>>> bands;
    std::vector<std::vector<double>> lines;
    double top = 0.0;
    const auto raise_top = [&top](const std::vector<double>& values) {
        for (const double v : values) {
            if (std::isfinite(v)) {
                top = std::max(top, v);
            }
        }
    };
    for (const ChartBand& band : p.bands) {
        bands.emplace_back(summarise(band.lower, columns, ColumnReduce::Min),
                           summarise(band.upper, columns, ColumnReduce::Max));
        raise_top(bands.back().second);
    }
    for (const ChartLine& line : p.lines) {
        lines.push_back(summarise(line.values, columns, line.reduce));
        raise_top(lines.back());
    }
    top = top > 0.0 ? top * 1.05 : 1.0;
    const Frame f{probe.x, probe.y, probe.w, probe.h, top};

    out += frame_rect(f);
    const double step = grid_step(top);
    for (double v = 0.0; v <= top; v += step) {
        const std::string gy = fixed_text(f.py(v), 1);
        out += "<line x1=\"" + fixed_text(f.x, 1) + "\" x2=\"" + fixed_text(f.x + f.w, 1) + "\" y1=\"" + gy +
               "\" y2=\"" + gy + "\" stroke=\"#e5e5e5\"/>\n";
        out += text(f.x - 6.0, f.py(v) + 4.0, shortest_text(v), "end");
    }
    constexpr std::size_t kTimeLabels = 6;
    for (std::size_t k = 0; k <= kTimeLabels; ++k) {
        const std::size_t col = std::min(columns.count - 1, k * columns.count / kTimeLabels);
        // The last label ends at the frame's right edge instead of being centred on it and cut off.
        const char* anchor = k == kTimeLabels ? "end" : "middle";
        out += text(f.px(col, columns.count), f.y + f.h + 16.0, utc_label(p.times[columns.begin(col)]), anchor);
    }
    for (std::size_t i = 0; i < bands.size(); ++i) {
        out += band_polygons(bands[i].first, bands[i].second, f, p.bands[i].color);
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += line_path(lines[i], f, p.lines[i]);
    }
    if (p.marker && *p.marker >= p.times.front() && *p.marker <= p.times.back()) {
        const auto at = static_cast<std::size_t>(
            std::lower_bound(p.times.begin(), p.times.end(), *p.marker) - p.times.begin());
        const std::string x = fixed_text(f.px(columns.of(at), columns.count), 1);
        out += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + fixed_text(f.y, 1) + "\" y2=\"" +
               fixed_text(f.y + f.h, 1) + "\" stroke=\"#555555\" stroke-dasharray=\"4 3\"/>\n";
        out += text(f.px(columns.of(at), columns.count) + 4.0, f.y + 14.0, p.marker_label);
    }
    return out;
}

std::string legend(const std::vector<LegendEntry>& entries, double y)
{
    std::string out;
    double x = kLeft;
    for (const LegendEntry& entry : entries) {
        out += "<rect x=\"" + fixed_text(x, 1) + "\" y=\"" + fixed_text(y - 9.0, 1) +
               "\" width=\"14\" height=\"10\" fill=\"" + xml_escape(entry.color) + "\"/>\n";
        out += text(x + 18.0, y, entry.label);
        x += 18.0 + 7.0 * static_cast<double>(entry.label.size()) + 24.0;
    }
    return out;
}

} // namespace

std::string xml_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
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

std::string render_svg_chart(const Chart& chart)
{
    const double height = kTop + kPanelHeight * static_cast<double>(chart.panels.size()) + 20.0;
    std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed_text(kWidth, 0) +
                      "\" height=\"" + fixed_text(height, 0) + "\" viewBox=\"0 0 " + fixed_text(kWidth, 0) + ' ' +
                      fixed_text(height, 0) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    out += "<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>\n";
    out += text(kLeft, 22.0, chart.heading, "start", " font-size=\"15\"");
    out += legend(chart.legend, 44.0);
    for (std::size_t i = 0; i < chart.panels.size(); ++i) {
        out += panel(chart.panels[i], kTop + kPanelHeight * static_cast<double>(i));
    }
    return out + "</svg>\n";
}

} // namespace ihpa::common
