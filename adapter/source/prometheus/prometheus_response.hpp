#pragma once

// Pure parsers of the Prometheus HTTP API's JSON answers
// (https://prometheus.io/docs/prometheus/latest/querying/api/): the envelope
// `{"status": "success"|"error", "data": ..., "errorType": ..., "error": ..., "warnings": [...]}`
// and the result shapes of /api/v1/query, /api/v1/query_range and /api/v1/series. Sample values
// are JSON strings ("1.5", "NaN", "+Inf", "-Inf"); times are unix seconds with a fraction.
// Nothing here throws: malformed input is an error value naming what was wrong.

#include "adapter/source/metric_source.hpp"

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::adapter::prometheus {

/// An answer of /api/v1/query: one sample per series (a scalar is one sample without labels).
struct InstantResult {
    std::vector<LabelledSample> samples;
    std::vector<std::string> warnings; ///< the envelope's `warnings`, if any
};

/// An answer of /api/v1/query_range: one range per series, samples oldest first.
struct RangeResult {
    std::vector<LabelledRange> ranges;
    std::vector<std::string> warnings;
};

/// An answer of /api/v1/series: the label sets (with `__name__`) of the matching series.
struct SeriesResult {
    std::vector<Labels> series;
    std::vector<std::string> warnings;
};

/// Parses an /api/v1/query answer. Accepts `resultType` "vector" and "scalar"; "matrix" is an
/// error explaining that an instant query must not select a range; an error envelope is an
/// error `"<errorType>: <error>"`.
[[nodiscard]] std::expected<InstantResult, std::string> parse_instant_response(std::string_view body);

/// Parses an /api/v1/query_range answer (`resultType` "matrix"; anything else is an error).
[[nodiscard]] std::expected<RangeResult, std::string> parse_range_response(std::string_view body);

/// Parses an /api/v1/series answer (`data` is a list of label sets).
[[nodiscard]] std::expected<SeriesResult, std::string> parse_series_response(std::string_view body);

/// The `"<errorType>: <error>"` of an error envelope; nullopt when `body` is not one (e.g. the
/// HTML or text of a proxy in front of Prometheus).
[[nodiscard]] std::optional<std::string> error_message(std::string_view body);

/// Parses a sample value as Prometheus writes it: a decimal or exponent number, "NaN", "+Inf"
/// or "-Inf".
[[nodiscard]] std::expected<double, std::string> parse_sample_value(std::string_view text);

} // namespace ihpa::adapter::prometheus
