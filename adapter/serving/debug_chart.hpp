#pragma once

#include "adapter/serving/forecast_state.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// One served entry as the debug view collected it.
struct DebugEntry {
    std::map<std::string, std::string> labels;
    /// A forecast entry: its settings and what `ForecastState::inspect` read.
    const ForecastConfig* config = nullptr;
    std::optional<ForecastInspection> forecast;
    /// A pass-through entry: its history and newest sample (a forecast's are in `forecast`).
    model::Series history;
    std::optional<Sample> latest;
    std::chrono::seconds max_age{0};
};

/// A standalone SVG chart of the debug view of `metric` in `ns` at `now`: one panel per entry
/// (at most `max_panels`) with the observed history, the value served now over [now, now + lead],
/// the published fit's path and the view's forecast with its 10–90 % band.
[[nodiscard]] std::string render_debug_chart(std::string_view metric, std::string_view ns,
                                             std::chrono::system_clock::time_point now,
                                             const std::vector<DebugEntry>& entries, std::size_t max_panels);

} // namespace ihpa::adapter
