#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::common {

/// How the points of one pixel column become one value when a panel has more points than
/// pixels: the largest (a load, a forecast: short peaks stay visible) or the smallest (a
/// capacity: short shortfalls stay visible).
enum class ColumnReduce { Max, Min };

/// A line of a panel: one value per time of the panel, NaN where it has none (the line breaks
/// there).
struct ChartLine {
    std::string color; ///< an SVG colour, e.g. "#1f77b4"
    double width = 1.0;
    std::vector<double> values;
    ColumnReduce reduce = ColumnReduce::Max;
};

/// A shaded band between two paths, one value each per time of the panel, NaN where there is
/// no band. Per pixel column the lower path takes the smallest and the upper the largest value.
struct ChartBand {
    std::string color;
    std::vector<double> lower;
    std::vector<double> upper;
};

/// One panel: a time axis (UTC labels), a value axis from 0, bands under lines.
struct ChartPanel {
    std::string title;
    std::vector<std::int64_t> times; ///< unix seconds, increasing, evenly spaced
    std::vector<ChartBand> bands;    ///< drawn first
    std::vector<ChartLine> lines;    ///< drawn in order over the bands
    std::optional<std::int64_t> marker; ///< a dashed vertical line at this time (e.g. "now")
    std::string marker_label;
};

/// A colour swatch and its label.
struct LegendEntry {
    std::string color;
    std::string label;
};

/// A chart of stacked panels under a heading and a legend.
struct Chart {
    std::string heading;
    std::vector<LegendEntry> legend;
    std::vector<ChartPanel> panels;
};

/// A standalone SVG image of `chart`: well-formed XML, no scripts, no external resources, every
/// text escaped. A panel without times is drawn as a frame with the note "no data".
/// Every series of a panel must have one value per time.
[[nodiscard]] std::string render_svg_chart(const Chart& chart);

/// `text` with the five XML special characters escaped.
[[nodiscard]] std::string xml_escape(std::string_view text);

} // namespace ihpa::common
