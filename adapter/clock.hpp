#pragma once

#include <chrono>

namespace ihpa::adapter {

/// The time seam: everything that asks "what time is it" goes through a Clock, so tests run
/// against a fake one.
class Clock {
public:
    virtual ~Clock() = default;
    /// Wall-clock time now.
    [[nodiscard]] virtual std::chrono::system_clock::time_point now() const = 0;
};

/// The real wall clock.
class SystemClock final : public Clock {
public:
    [[nodiscard]] std::chrono::system_clock::time_point now() const override
    {
        return std::chrono::system_clock::now();
    }
};

} // namespace ihpa::adapter
