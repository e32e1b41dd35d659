#pragma once

#include "adapter/source/metric_source.hpp"

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::adapter {

/// One series of an answer of Datadog's v1 metrics query API (`GET /api/v1/query`).
struct DatadogSeries {
    std::size_t query_index = 0; ///< which of the comma-joined queries produced it (0 if absent)
    Labels labels;               ///< from `scope` and `tag_set` (see `datadog_labels`)
    std::vector<Sample> points;  ///< `pointlist` in order, null values left out
};

/// A well-formed answer: its series, or the query error Datadog reported in it.
struct DatadogAnswer {
    std::vector<DatadogSeries> series;
    std::string error; ///< the `error` text when `status` is "error"; empty otherwise
};

/// Parses the JSON body of a 200 answer: `status` "error" gives the answer's `error` text (a
/// query Datadog could not run); otherwise each entry of `series` gives its `query_index`, its
/// labels and its `pointlist` of `[milliseconds, value|null]` pairs. Missing optional fields
/// are tolerated; a malformed document is an error saying what is wrong. Never throws.
[[nodiscard]] std::expected<DatadogAnswer, std::string> parse_datadog_response(std::string_view body);

/// The readable message of an error answer: the `errors` list of `{"errors": [...]}` joined
/// with "; ", else the start of the body (at most 200 bytes). Never throws.
[[nodiscard]] std::string datadog_error_message(std::string_view body);

/// Labels from Datadog tags: `key:value` becomes key=value (split at the first ':', so values
/// may contain ':'), a bare `tag` becomes tag="", and `*` (the "everything" scope) is dropped.
/// The first value of a repeated key is kept.
[[nodiscard]] Labels datadog_labels(const std::vector<std::string>& tags);

} // namespace ihpa::adapter
