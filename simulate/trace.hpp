#pragma once

#include "model/series.hpp"
#include "simulate/error.hpp"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace ihpa::simulate {

/// A replayed metric trace: a workload total sampled at a constant step with no gaps
/// (`series.values` all finite, at least two points).
struct Trace {
    std::string name;     ///< file stem, e.g. "crane_input11"
    model::Series series; ///< the samples; `series.time_at(i)` is sample i's timestamp
};

/// Parses trace CSV text (header `timestamp,value`, unix seconds strictly increasing at one
/// constant step, finite values). Errors name `source` and the line.
[[nodiscard]] std::expected<Trace, SimulateError> parse_trace(std::string_view text,
                                                            std::string_view source);

/// Reads and parses the trace file at `path`; the trace is named after the file stem.
[[nodiscard]] std::expected<Trace, SimulateError> read_trace(const std::filesystem::path& path);

/// Timestamp of the last sample.
[[nodiscard]] std::int64_t end_time(const model::Series& series);

/// The load that arrives at time `t` (seconds): the linear interpolation between the samples
/// around `t`, held flat before the first and after the last sample.
[[nodiscard]] double load_at(const model::Series& series, double t);

/// What a scraper shows at `now`: the latest sample with timestamp <= `now` (the first sample
/// before the trace starts).
[[nodiscard]] double observed_at(const model::Series& series, std::int64_t now);

/// Number of samples with timestamp <= `now` (0 before the trace starts).
[[nodiscard]] Eigen::Index samples_until(const model::Series& series, std::int64_t now);

} // namespace ihpa::simulate
