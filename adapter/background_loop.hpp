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

    /// Starts the thread at once; `clock` must outlive the loop. A positive `nice` lowers the
    /// thread's scheduling priority (Linux per-thread nice value; threads it creates inherit
    /// it), so CPU-heavy background work yields to the request path.
    BackgroundLoop(const Clock& clock, Step step, int nice = 0);
    /// Stops and joins.
    ~BackgroundLoop();
    BackgroundLoop(const BackgroundLoop&) = delete;
    BackgroundLoop& operator=(const BackgroundLoop&) = delete;

    /// Asks the loop to stop after the current step and waits for it.
    void stop();

private:
    void run(int nice);

    const Clock& clock_;
    Step step_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ihpa::adapter
