#pragma once

#include "simulate/comparison.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ihpa::simulate {

/// A single self-contained HTML page (inline SVG and CSS, no scripts, no external links):
/// the metrics table of the three sides with changes versus reactive, the settings, and the
/// plot of `render_svg`.
[[nodiscard]] std::string render_html(const Comparison& comparison, const RunDescription& run);

} // namespace ihpa::simulate
