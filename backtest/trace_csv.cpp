#include "backtest/trace_csv.hpp"

#include "backtest/bt1_protocol.hpp"
#include "common/file.hpp"
#include "common/time_series_csv.hpp"

namespace ihpa::backtest {

std::expected<Trace, BacktestError> parse_trace_csv(std::string_view text,
                                                     const std::filesystem::path& path)
{
    auto points = common::parse_time_series_csv(text, path);
    if (!points) {
        return std::unexpected(BacktestError{std::move(points.error())});
    }
    const auto n = static_cast<Eigen::Index>(points->values.size());
    if (n < min_trace_points()) {
        return std::unexpected(BacktestError{
            path.string() + ": too few points (" + std::to_string(n) + "); BT1 needs at least " +
            std::to_string(min_trace_points()) + " for one forecast origin"});
    }
    Trace trace;
    trace.name = path.stem().string();
    trace.path = path;
    trace.series.start = points->times.front();
    trace.series.step_seconds = points->step_seconds();
    trace.series.values = Eigen::Map<const Eigen::VectorXd>(points->values.data(), n);
    return trace;
}

std::expected<Trace, BacktestError> read_trace_csv(const std::filesystem::path& path)
{
    const auto text = common::read_file(path);
    if (!text) {
        return std::unexpected(BacktestError{text.error()});
    }
    return parse_trace_csv(*text, path);
}

} // namespace ihpa::backtest
