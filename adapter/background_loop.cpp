#include "adapter/background_loop.hpp"

#include <sched.h>

namespace ihpa::adapter {

BackgroundLoop::BackgroundLoop(const Clock& clock, Step step)
    : clock_(clock), step_(std::move(step)), thread_([this] { run(); })
{
}

BackgroundLoop::~BackgroundLoop()
{
    stop();
}

void BackgroundLoop::stop()
{
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void BackgroundLoop::run()
{
    // Lowering one's own policy needs no privilege; should it fail anyway, the loop simply runs
    // at normal priority. Pid 0 is the calling thread.
    const sched_param param{};
    (void)::sched_setscheduler(0, SCHED_IDLE, &param);
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        const auto next = step_(clock_.now());
        lock.lock();
        // The wait is measured on the real clock: the injected clock only decides "now".
        const auto wait = next - clock_.now();
        wake_.wait_for(lock, wait, [this] { return stopping_; });
    }
}

} // namespace ihpa::adapter
