#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace ihpa::kube {

/// The wall clock; injected so that leases and events are testable.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

/// The system clock as a WallClock.
[[nodiscard]] WallClock system_wall_clock();

/// `t` as a Kubernetes MicroTime (RFC 3339 in UTC with microseconds: 2026-01-02T03:04:05.000006Z).
[[nodiscard]] std::string format_micro_time(std::chrono::system_clock::time_point t);

} // namespace ihpa::kube
