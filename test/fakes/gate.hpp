#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace ihpa::test {

/// A one-shot latch between a test and a server handler: wait() blocks until open() (or a
/// hang-guard timeout, after which it returns false). No sleeps.
class Gate {
public:
    /// Opens the gate and wakes every waiter.
    void open()
    {
        {
            const std::lock_guard lock(mutex_);
            open_ = true;
        }
        cv_.notify_all();
    }

    /// Waits until open(); false when `guard` passed first.
    bool wait(std::chrono::milliseconds guard = std::chrono::seconds(20))
    {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, guard, [this] { return open_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
};

} // namespace ihpa::test
