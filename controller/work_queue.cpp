#include "controller/work_queue.hpp"

#include <algorithm>

namespace ihpa::controller {

WorkQueue::WorkQueue(RetryPolicy policy, SteadyClock clock) : policy_(policy), clock_(std::move(clock))
{
}

void WorkQueue::add(const std::string& key)
{
    {
        const std::lock_guard lock(mutex_);
        add_locked(key);
    }
    changed_.notify_one();
}

void WorkQueue::add_locked(const std::string& key)
{
    if (shut_down_ || !queued_.insert(key).second) {
        return;
    }
    delayed_.erase(key);
    if (!processing_.contains(key)) {
        ready_.push_back(key);
    }
}

void WorkQueue::add_after(const std::string& key, std::chrono::milliseconds delay)
{
    if (delay <= std::chrono::milliseconds::zero()) {
        add(key);
        return;
    }
    {
        const std::lock_guard lock(mutex_);
        if (shut_down_ || queued_.contains(key)) {
            return;
        }
        const auto due = clock_() + delay;
        const auto [it, inserted] = delayed_.emplace(key, due);
        if (!inserted) {
            it->second = std::min(it->second, due);
        }
    }
    changed_.notify_all(); // a waiting get may have to wake earlier
}

void WorkQueue::retry(const std::string& key)
{
    int attempt = 0;
    {
        const std::lock_guard lock(mutex_);
        attempt = ++retries_[key];
    }
    auto delay = policy_.base;
    for (int i = 1; i < attempt && delay < policy_.max; ++i) {
        delay *= 2;
    }
    add_after(key, std::min(delay, policy_.max));
}

void WorkQueue::forget(const std::string& key)
{
    const std::lock_guard lock(mutex_);
    retries_.erase(key);
}

int WorkQueue::retries(const std::string& key) const
{
    const std::lock_guard lock(mutex_);
    const auto it = retries_.find(key);
    return it == retries_.end() ? 0 : it->second;
}

void WorkQueue::promote_due_locked(std::chrono::steady_clock::time_point now)
{
    for (auto it = delayed_.begin(); it != delayed_.end();) {
        if (it->second <= now) {
            const std::string key = it->first;
            it = delayed_.erase(it);
            add_locked(key);
        } else {
            ++it;
        }
    }
}

std::optional<std::string> WorkQueue::pop_locked()
{
    if (ready_.empty()) {
        return std::nullopt;
    }
    std::string key = std::move(ready_.front());
    ready_.pop_front();
    queued_.erase(key);
    processing_.insert(key);
    return key;
}

std::optional<std::string> WorkQueue::try_get()
{
    const std::lock_guard lock(mutex_);
    if (shut_down_) {
        return std::nullopt;
    }
    promote_due_locked(clock_());
    return pop_locked();
}

std::optional<std::string> WorkQueue::get()
{
    std::unique_lock lock(mutex_);
    while (!shut_down_) {
        promote_due_locked(clock_());
        if (auto key = pop_locked()) {
            return key;
        }
        const auto due = earliest_locked();
        if (!due) {
            changed_.wait(lock);
            continue;
        }
        // The injected clock may not be the steady clock: wait for the remaining time.
        changed_.wait_for(lock, std::max(*due - clock_(), std::chrono::steady_clock::duration::zero()));
    }
    return std::nullopt;
}

void WorkQueue::done(const std::string& key)
{
    bool requeued = false;
    {
        const std::lock_guard lock(mutex_);
        processing_.erase(key);
        if (queued_.contains(key) && !shut_down_) {
            ready_.push_back(key);
            requeued = true;
        }
    }
    if (requeued) {
        changed_.notify_one();
    }
}

void WorkQueue::shut_down()
{
    {
        const std::lock_guard lock(mutex_);
        shut_down_ = true;
    }
    changed_.notify_all();
}

std::size_t WorkQueue::depth() const
{
    const std::lock_guard lock(mutex_);
    return queued_.size() + delayed_.size();
}

std::optional<std::chrono::steady_clock::time_point> WorkQueue::next_due() const
{
    const std::lock_guard lock(mutex_);
    return earliest_locked();
}

std::optional<std::chrono::steady_clock::time_point> WorkQueue::earliest_locked() const
{
    std::optional<std::chrono::steady_clock::time_point> due;
    for (const auto& [key, at] : delayed_) {
        due = due ? std::min(*due, at) : at;
    }
    return due;
}

} // namespace ihpa::controller
