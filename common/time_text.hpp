#pragma once

#include <chrono>
#include <string>

namespace ihpa::common {

/// `time` as RFC 3339 in UTC with whole seconds (rounded down), the way Kubernetes writes
/// metav1.Time: `2026-12-02T13:04:05Z`.
[[nodiscard]] std::string rfc3339(std::chrono::system_clock::time_point time);

} // namespace ihpa::common
