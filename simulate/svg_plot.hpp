#pragma once

#include "simulate/comparison.hpp"

#include <string>

namespace ihpa::simulate {

/// A standalone SVG image (well-formed XML, no scripts, no external resources) of a
/// comparison: the load, the ready capacity (ready pods × per-pod capacity) of the reactive
/// and the predictive side, and the forecast entry with its 10–90 % band. Two panels: the
/// whole trace, and the 6 hours around the reactive side's largest shortfall. Each pixel
/// column shows the max of load and forecast and the min of ready capacity over its syncs,
/// so short shortfalls stay visible.
[[nodiscard]] std::string render_svg(const Comparison& comparison, const RunDescription& run);

} // namespace ihpa::simulate
