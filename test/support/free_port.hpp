#pragma once

namespace ihpa::test {

/// A TCP port on 127.0.0.1 that nobody listened on a moment ago: bound to port 0 and released,
/// so another process may still take it before the caller does (callers that can, retry); 0 when
/// no socket could be bound.
[[nodiscard]] int free_loopback_port();

} // namespace ihpa::test
