#include "adapter/background_loop.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ihpa::adapter {

BackgroundLoop::BackgroundLoop(const Clock& clock, Step step, int nice)
    : clock_(clock), step_(std::move(step)), thread_([this, nice] { run(nice); })
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

void BackgroundLoop::run(int nice)
{
    if (nice > 0) {
        // best effort: without the permission the loop simply runs at normal priority
        (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice);
    }
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
