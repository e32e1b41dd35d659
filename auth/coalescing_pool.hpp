#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace ihpa::auth {

/// Runs blocking look-ups (a SubjectAccessReview, a TokenReview) on a few threads of its own, so
/// the threads that submit them never block. Work is named by a key: a submission whose key is
/// already queued or running joins it and gets the same result, so concurrent identical
/// reviews cost one call. The queue of distinct keys is bounded. Every submission's callback is
/// called exactly once: with the work's result on a worker thread, or with `failure(why)` when
/// the queue is full (on the submitting thread, before submit returns) or the pool is
/// destroyed before the work started (on the destroying thread).
template <typename Result>
class CoalescingPool {
public:
    /// Called with the result; must not block for long (it runs on a worker).
    using Callback = std::function<void(const Result& result)>;

    /// `workers` threads (>= 1), at most `queue_limit` distinct keys waiting; `failure` makes
    /// the result given to callbacks whose work cannot run.
    CoalescingPool(std::size_t workers, std::size_t queue_limit,
                   std::function<Result(std::string_view why)> failure)
        : queue_limit_(queue_limit), failure_(std::move(failure))
    {
        for (std::size_t i = 0; i < (workers < 1 ? 1 : workers); ++i) {
            threads_.emplace_back([this] { work(); });
        }
    }

    /// Stops the workers after their current work; queued work gets `failure("shutting down")`.
    ~CoalescingPool()
    {
        std::deque<Job> abandoned;
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
            abandoned.swap(queue_);
        }
        wake_.notify_all();
        for (std::thread& thread : threads_) {
            thread.join();
        }
        for (const Job& job : abandoned) {
            finish(job.key, failure_("shutting down"));
        }
    }

    CoalescingPool(const CoalescingPool&) = delete;
    CoalescingPool& operator=(const CoalescingPool&) = delete;

    /// Runs `work` for `key` (or joins the pending work of `key`) and calls `done` with the
    /// result. False when the queue was full: `done` has then been called with a failure.
    bool submit(const std::string& key, std::function<Result()> work, Callback done)
    {
        std::string_view why = "shutting down";
        {
            const std::lock_guard lock(mutex_);
            if (const auto pending = waiting_.find(key); pending != waiting_.end()) {
                pending->second.push_back(std::move(done));
                ++joined_;
                return true;
            }
            if (!stopping_ && queue_.size() < queue_limit_) {
                waiting_[key].push_back(std::move(done));
                queue_.push_back({key, std::move(work)});
                wake_.notify_one();
                return true;
            }
            if (!stopping_) {
                why = "too many reviews waiting";
            }
        }
        done(failure_(why));
        return false;
    }

    /// Submissions so far that joined pending work instead of starting their own.
    [[nodiscard]] std::size_t joined() const
    {
        const std::lock_guard lock(mutex_);
        return joined_;
    }

private:
    struct Job {
        std::string key;
        std::function<Result()> work;
    };

    void work()
    {
        while (true) {
            Job job;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) {
                    return;
                }
                job = std::move(queue_.front());
                queue_.pop_front();
            }
            finish(job.key, job.work());
        }
    }

    /// Hands `result` to every callback waiting for `key`.
    void finish(const std::string& key, const Result& result)
    {
        std::vector<Callback> callbacks;
        {
            const std::lock_guard lock(mutex_);
            const auto pending = waiting_.find(key);
            callbacks = std::move(pending->second);
            waiting_.erase(pending);
        }
        for (const Callback& callback : callbacks) {
            callback(result);
        }
    }

    std::size_t queue_limit_;
    std::function<Result(std::string_view)> failure_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    std::map<std::string, std::vector<Callback>> waiting_; ///< queued or running keys
    std::size_t joined_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_; ///< last: started once the state above exists
};

} // namespace ihpa::auth
