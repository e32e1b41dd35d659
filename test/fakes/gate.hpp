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
        ++waiters_;
        cv_.notify_all();
        return cv_.wait_for(lock, guard, [this] { return open_; });
    }

    /// Waits until a handler is held in wait() (so the test knows the request arrived); false
    /// when `guard` passed first.
    bool wait_for_waiter(std::chrono::milliseconds guard = std::chrono::seconds(20))
    {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, guard, [this] { return waiters_ > 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
    int waiters_ = 0;
};

} // namespace ihpa::test
