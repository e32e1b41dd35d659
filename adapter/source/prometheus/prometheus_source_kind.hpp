#pragma once

#include "adapter/source/source_kind.hpp"

#include <expected>
#include <string>
#include <string_view>

namespace ihpa::adapter {

/// The `prometheus` row of the source table. Options (strict; unknown keys are errors):
/// `url` (required, http or https), `timeout` (default 10s, 100ms..5m), `bearerTokenFile`,
/// `caFile`, `insecureSkipVerify`, `clientCertFile` + `clientKeyFile` (both or neither),
/// `headers` (a map of extra request headers). The factory builds a `PrometheusSource`.
[[nodiscard]] SourceKind prometheus_source_kind();

/// A cheap PromQL syntax check without I/O: the query is not blank, (), {} and [] are balanced
/// and properly nested, and string literals ("..", '..' with backslash escapes, `..` raw) are
/// terminated; `#` outside strings starts a comment to the end of the line. The error names the
/// problem and its byte offset. Prometheus itself does the full parse when the query runs.
[[nodiscard]] std::expected<void, std::string> check_promql_syntax(std::string_view query);

} // namespace ihpa::adapter
