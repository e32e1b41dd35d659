#pragma once

#include "adapter/clock.hpp"

#include <atomic>

namespace ihpa::test {

/// A clock tests move by hand.
class FakeClock final : public adapter::Clock {
public:
    explicit FakeClock(std::chrono::system_clock::time_point start) : now_(start) {}
    [[nodiscard]] std::chrono::system_clock::time_point now() const override { return now_.load(); }
    void set(std::chrono::system_clock::time_point time) { now_.store(time); }
    void advance(std::chrono::system_clock::duration by) { now_.store(now_.load() + by); }

private:
    std::atomic<std::chrono::system_clock::time_point> now_;
};

} // namespace ihpa::test
