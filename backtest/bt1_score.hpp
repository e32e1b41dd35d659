#pragma once

#include "backtest/bt1_protocol.hpp"
#include "backtest/forecast_csv.hpp"

#include <Eigen/Core>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::backtest {

/// Scores of one trace at one horizon over all origins (PROTOCOL.md, "Scores"). A ratio whose
/// naive denominator is 0 is nullopt ("n/a").
struct HorizonScore {
    Eigen::Index horizon = 0;
    Eigen::Index origins = 0;
    double mae = 0.0;
    double naive_mae = 0.0;      ///< MAE of the naive forecast y[o]
    std::optional<double> relmae;
    double smape = 0.0;          ///< in %
    double coverage = 0.0;       ///< share with lower <= y <= upper
    double upper_miss = 0.0;     ///< share with y > upper
    double pinball90 = 0.0;      ///< mean pinball loss of `upper` at q = 0.9
    double naive_pinball90 = 0.0;
    std::optional<double> relpinball90;
};

/// Scores of one trace: per horizon, and over horizons (geometric means of the ratios, means
/// of sMAPE, coverage and upper-miss).
struct TraceScore {
    std::string trace;
    Eigen::Index origins = 0;
    std::array<HorizonScore, kHorizons.size()> horizons;
    std::optional<double> relmae;
    double smape = 0.0;
    double coverage = 0.0;
    double upper_miss = 0.0;
    std::optional<double> relpinball90;
};

/// Wall time of a trace's forecasting loop, as recorded in `timings.csv`.
struct TraceTiming {
    double seconds = 0.0;
    Eigen::Index origins = 0;
};

/// Aggregates over the validly forecast traces of a set (PROTOCOL.md, "Aggregates"); nullopt
/// where the reference scorer reports null (no trace, no timing, only n/a ratios).
struct SetSummary {
    std::size_t traces = 0;
    std::vector<std::string> invalid;  ///< traces whose forecasts were missing or invalid, sorted
    std::array<std::optional<double>, kHorizons.size()> relmae_h; ///< geo-mean over traces
    std::optional<double> relmae_all;  ///< geo-mean over all trace × horizon values: the headline
    std::optional<double> coverage;
    std::optional<double> upper_miss;
    std::optional<double> relpinball90;
    std::optional<double> smape;
    std::optional<double> median_seconds_per_trace;
    std::optional<double> median_seconds_per_origin;
    std::optional<double> total_seconds;
};

/// The scores of a set of traces: per valid trace (sorted by name), the reasons the others
/// are invalid, and the aggregate.
struct SetScore {
    std::vector<TraceScore> traces;
    std::map<std::string, std::string> errors;
    std::map<std::string, TraceTiming> timings; ///< of the scored traces that have one
    SetSummary summary;
};

/// Scores `forecasts` of the trace `values` named `name`. Every origin of `forecasts` must
/// satisfy origin + 12 < values.size().
[[nodiscard]] TraceScore score_trace(std::string name, const Eigen::VectorXd& values,
                                     const TraceForecasts& forecasts);

/// Aggregates trace scores (any order; they are sorted by name) with the invalid traces'
/// reasons and the timings (by trace name; entries of unscored traces are ignored).
[[nodiscard]] SetScore score_set(std::vector<TraceScore> traces,
                                 std::map<std::string, std::string> errors,
                                 const std::map<std::string, TraceTiming>& timings);

/// Geometric mean as the reference scorer defines it: nullopt entries are left out; nullopt
/// when none is left or when some value is negative; 0 when some value is 0.
[[nodiscard]] std::optional<double> geometric_mean(const std::vector<std::optional<double>>& xs);

} // namespace ihpa::backtest
