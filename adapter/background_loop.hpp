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
/// production driver of the `run_once` loops (pollers, fitter, snapshots, config reload). Tests
/// call `run_once` directly instead.
class BackgroundLoop {
public:
    using Step = std::function<std::chrono::system_clock::time_point(
        std::chrono::system_clock::time_point now)>;

    /// Starts the thread at once; `clock` must outlive the loop. The thread (and any thread it
    /// creates) runs under Linux's SCHED_IDLE policy: background work uses only the CPU time
    /// the request threads leave, and a request thread that wakes takes the core from it at
    /// once instead of waiting for the end of its time slice. Under a request load that fills
    /// every core it still gets a small share, so it is slowed down, never stopped.
    BackgroundLoop(const Clock& clock, Step step);
    /// Stops and joins.
    ~BackgroundLoop();
    BackgroundLoop(const BackgroundLoop&) = delete;
    BackgroundLoop& operator=(const BackgroundLoop&) = delete;

    /// Asks the loop to stop after the current step and waits for it.
    void stop();

private:
    void run();

    const Clock& clock_;
    Step step_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ihpa::adapter
