#pragma once

#include "adapter/source/source_kind.hpp"

namespace ihpa::adapter {

/// The `datadog:` source kind. Options: `site` (default `datadoghq.com`; requests go to
/// `https://api.<site>`), `apiKeyFile` or `apiKeyEnv`, `appKeyFile` or `appKeyEnv` (required;
/// never the keys inline), `timeout` (per request, default 10s), `lookback` (how far back
/// `query` looks for the latest point, default 5m). Queries: Datadog metric queries (see
/// `check_datadog_query`). The factory reads both keys and builds the HTTP client.
[[nodiscard]] SourceKind datadog_source_kind();

} // namespace ihpa::adapter
