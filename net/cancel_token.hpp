#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace ihpa::net {

/// A cancellation flag shared between a blocking call and the threads that may end it. Every
/// member is thread-safe. Once cancelled it stays cancelled.
class CancelToken {
public:
    /// Sets the flag and wakes the call waiting on it, if any.
    void cancel();

    /// True once cancel() was called.
    [[nodiscard]] bool cancelled() const { return cancelled_.load(); }

    /// Registers how to wake the blocking call (replacing any previous waker); an empty
    /// function unregisters. The call registers itself while it waits.
    void set_waker(std::function<void()> waker);

    /// Waits up to `timeout` or until cancel(); true when cancelled.
    bool wait_for(std::chrono::milliseconds timeout);

private:
    std::atomic<bool> cancelled_{false};
    std::mutex mutex_;
    std::function<void()> waker_;
    std::condition_variable cancelled_cv_;
};

} // namespace ihpa::net
