#include "net/cancel_token.hpp"

namespace ihpa::net {

void CancelToken::cancel()
{
    {
        const std::lock_guard lock(mutex_);
        cancelled_.store(true);
        if (waker_) {
            waker_();
        }
    }
    cancelled_cv_.notify_all();
}

bool CancelToken::wait_for(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(mutex_);
    return cancelled_cv_.wait_for(lock, timeout, [this] { return cancelled_.load(); });
}

void CancelToken::set_waker(std::function<void()> waker)
{
    const std::lock_guard lock(mutex_);
    waker_ = std::move(waker);
}

} // namespace ihpa::net
