#pragma once

#include "simulate/comparison.hpp"

#include <nlohmann/json.hpp>

namespace ihpa::simulate {

/// The `summary.json` document: `{"reactive": {...}, "predictive": {...}, "oracle": {...},
/// "settings": {...}}`. Each side holds the `SideMetrics` fields under their snake_case names;
/// predictive and oracle add `vs_reactive` (percent changes of under-provisioned pod-minutes and
/// replica-hours, difference in scale events). `settings` states every input, including how
/// the per-pod capacity was chosen.
[[nodiscard]] nlohmann::json summary_json(const Comparison& comparison, const RunDescription& run);

} // namespace ihpa::simulate
