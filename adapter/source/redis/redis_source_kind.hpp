#pragma once

#include "adapter/source/source_kind.hpp"

namespace ihpa::adapter {

/// The `redis:` source kind. Options: `address` (`host:port`) or `unixSocket`, `database`
/// (default 0), `username`, `passwordFile` or `passwordEnv` (never the password inline),
/// `timeout` (connect and command, default 2s). Queries: `<COMMAND> <key> [<key>...]` (see
/// `parse_redis_query`). The factory reads the password when the sources are built.
[[nodiscard]] SourceKind redis_source_kind();

} // namespace ihpa::adapter
