#include "net/cancel_token.hpp"

namespace ihpa::net {

void CancelToken::cancel()
{
    cancelled_.store(true);
    const std::lock_guard lock(mutex_);
    if (waker_) {
        waker_();
    }
}

void CancelToken::set_waker(std::function<void()> waker)
{
    const std::lock_guard lock(mutex_);
    waker_ = std::move(waker);
}

} // namespace ihpa::net
