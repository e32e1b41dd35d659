#pragma once

#include <chrono>
#include <functional>

namespace ihpa::auth {

/// The monotonic time the caches measure their TTLs with; injected so tests step it by hand.
using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

/// std::chrono::steady_clock::now.
[[nodiscard]] inline SteadyClock system_steady_clock()
{
    return [] { return std::chrono::steady_clock::now(); };
}

} // namespace ihpa::auth
