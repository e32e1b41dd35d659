#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace ihpa::controller {

/// The monotonic clock of the queue; injected so delays are testable.
using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

/// Per-key exponential backoff of failed keys: the n-th retry of a key waits
/// min(base * 2^(n-1), max) (client-go's ItemExponentialFailureRateLimiter).
struct RetryPolicy {
    std::chrono::milliseconds base{500};
    std::chrono::milliseconds max{std::chrono::minutes(5)};
};

/// A work queue of object keys ("namespace/name") as client-go's rate-limited queue has it:
/// a key is queued at most once however often it is added; a key being processed is never
/// handed to a second worker; added again meanwhile, it is queued once `done` is called.
/// Keys can be added after a delay, or after their own growing retry delay (`retry`), which
/// `forget` resets after a success. Thread-safe.
class WorkQueue {
public:
    WorkQueue(RetryPolicy policy, SteadyClock clock);

    /// Queues `key` now (no-op when it is queued already).
    void add(const std::string& key);
    /// Queues `key` after `delay` (an earlier pending add of the same key wins).
    void add_after(const std::string& key, std::chrono::milliseconds delay);
    /// Queues `key` after its next retry delay, and counts the retry.
    void retry(const std::string& key);
    /// Resets the retry count of `key` (after it was processed successfully).
    void forget(const std::string& key);
    /// How often `key` was retried since it was last forgotten.
    [[nodiscard]] int retries(const std::string& key) const;

    /// The next key ready now, without waiting; it is then being processed until `done`.
    [[nodiscard]] std::optional<std::string> try_get();
    /// Waits for the next key (delayed keys become ready as the clock passes their time);
    /// nullopt once the queue is shut down.
    [[nodiscard]] std::optional<std::string> get();
    /// Ends the processing of `key`; queues it again if it was added meanwhile.
    void done(const std::string& key);

    /// Wakes every `get` with nullopt; adds are ignored from then on.
    void shut_down();

    /// Keys queued and ready, plus keys waiting for their delay (a gauge).
    [[nodiscard]] std::size_t depth() const;
    /// The time the next delayed key is due; nullopt when none waits.
    [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> next_due() const;

private:
    void add_locked(const std::string& key);
    /// Moves the delayed keys that are due to the ready queue; mutex_ held.
    void promote_due_locked(std::chrono::steady_clock::time_point now);
    std::optional<std::string> pop_locked();
    /// The earliest due time of the delayed keys; mutex_ held.
    std::optional<std::chrono::steady_clock::time_point> earliest_locked() const;

    RetryPolicy policy_;
    SteadyClock clock_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> ready_;
    std::set<std::string> queued_;     ///< in ready_ (or to be once processing ends)
    std::set<std::string> processing_;
    std::map<std::string, std::chrono::steady_clock::time_point> delayed_; ///< key → due
    std::map<std::string, int> retries_;
    bool shut_down_ = false;
};

} // namespace ihpa::controller
