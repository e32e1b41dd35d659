#pragma once

#include "backtest/bt1_score.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ihpa::backtest {

/// The score table of a set, laid out as the reference scorer prints it: one row per trace
/// (INVALID for the invalid ones) with relMAE per horizon and over horizons, sMAPE, coverage,
/// upper-miss, relPinball90 and seconds, then the GEOMEAN/MEAN row, the timing line and the
/// list of invalid traces.
[[nodiscard]] std::string format_score_table(const SetScore& set);

/// The scores as the reference scorer's `--json` file: `summary`, `traces` (per name:
/// `horizons` and `all`) and `errors`; n/a values are null.
[[nodiscard]] nlohmann::json score_json(const SetScore& set);

} // namespace ihpa::backtest
