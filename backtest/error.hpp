#pragma once

#include <expected>
#include <string>
#include <type_traits>
#include <utility>

namespace ihpa::backtest {

/// Why a backtest input could not be used or a run could not complete. Never thrown: returned
/// as a value. `message` is complete for a user: it names the file (and line) or the trace
/// and origin concerned, e.g. `traces/web.csv:17: value "nan" is not finite`.
struct BacktestError {
    std::string message;
};

/// `result` with its plain-text error (from a common/ helper) wrapped as a BacktestError.
template <class T>
[[nodiscard]] std::expected<T, BacktestError> with_backtest_error(std::expected<T, std::string> result)
{
    if (!result) {
        return std::unexpected(BacktestError{std::move(result.error())});
    }
    if constexpr (std::is_void_v<T>) {
        return {};
    } else {
        return std::move(*result);
    }
}

} // namespace ihpa::backtest
