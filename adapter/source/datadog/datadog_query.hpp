#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace ihpa::adapter {

/// A cheap check of one Datadog metrics query without I/O, e.g.
/// `sum:redis.queue.depth{env:prod} by {queue}`: not blank, no control characters, (), {} and
/// [] balanced and properly nested, and no comma outside them (a top-level comma would make it
/// several queries, and the source joins queries with commas to batch them). The error names the
/// problem and its byte offset. Datadog itself does the full parse when the query runs.
[[nodiscard]] std::expected<void, std::string> check_datadog_query(std::string_view query);

} // namespace ihpa::adapter
