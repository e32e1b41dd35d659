#pragma once

#include <string>

namespace ihpa::backtest {

/// Why a backtest input could not be used or a run could not complete. Never thrown: returned
/// as a value. `message` is complete for a user: it names the file (and line) or the trace
/// and origin concerned, e.g. `traces/web.csv:17: value "nan" is not finite`.
struct BacktestError {
    std::string message;
};

} // namespace ihpa::backtest
