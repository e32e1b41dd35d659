#pragma once

#include "adapter/clock.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace ihpa::adapter {

/// Runs `step(now)` on its own thread, again at the time each call returns, until stopped: the
/// production driver of the `run_once` loops (pollers, fitter, snapshots). Tests call
/// `run_once` directly instead.
class BackgroundLoop {
public:
    using Step = std::function<std::chrono::system_clock::time_point(
        std::chrono::system_clock::time_point now)>;

    /// How the loop's thread is scheduled.
    enum class Priority {
        Normal, ///< like the request path
        /// Linux SCHED_IDLE (threads it creates inherit it): the thread runs only when no
        /// normal thread of the process wants the CPU, and a request thread that wakes takes
        /// the CPU from it at once instead of waiting for its time slice to end. For CPU-heavy
        /// background work (fitting).
        Idle,
    };

    /// Starts the thread at once; `clock` must outlive the loop.
    BackgroundLoop(const Clock& clock, Step step, Priority priority = Priority::Normal);
    /// Stops and joins.
    ~BackgroundLoop();
    BackgroundLoop(const BackgroundLoop&) = delete;
    BackgroundLoop& operator=(const BackgroundLoop&) = delete;

    /// Asks the loop to stop after the current step and waits for it.
    void stop();

private:
    void run(Priority priority);

    const Clock& clock_;
    Step step_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ihpa::adapter
