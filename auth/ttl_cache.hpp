#pragma once

#include "auth/clock.hpp"

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace ihpa::auth {

/// A thread-safe map from a key to a value that expires `ttl` after it was put, holding at most
/// `capacity` entries: putting a new key into a full cache first drops the expired entries and,
/// if it is still full, the least recently used one. Reads refresh recency, not expiry.
template <typename Value>
class TtlCache {
public:
    /// At most `capacity` (>= 1) entries, times read from `clock`.
    TtlCache(std::size_t capacity, SteadyClock clock)
        : capacity_(capacity < 1 ? 1 : capacity), clock_(std::move(clock))
    {
    }

    /// The value of `key` if it was put less than its TTL ago; an expired entry is dropped.
    [[nodiscard]] std::optional<Value> get(const std::string& key)
    {
        const std::lock_guard lock(mutex_);
        const auto found = index_.find(key);
        if (found == index_.end()) {
            return std::nullopt;
        }
        if (found->second->expires <= clock_()) {
            entries_.erase(found->second);
            index_.erase(found);
            return std::nullopt;
        }
        entries_.splice(entries_.begin(), entries_, found->second);
        return found->second->value;
    }

    /// Stores `value` under `key` until `ttl` from now (replacing an older entry); a ttl of
    /// zero or less stores nothing and forgets `key`.
    void put(const std::string& key, Value value, std::chrono::steady_clock::duration ttl)
    {
        const std::lock_guard lock(mutex_);
        if (const auto found = index_.find(key); found != index_.end()) {
            entries_.erase(found->second);
            index_.erase(found);
        }
        if (ttl <= std::chrono::steady_clock::duration::zero()) {
            return;
        }
        const auto now = clock_();
        if (entries_.size() >= capacity_) {
            drop_expired(now);
        }
        if (entries_.size() >= capacity_) {
            index_.erase(entries_.back().key);
            entries_.pop_back();
        }
        entries_.push_front({key, std::move(value), now + ttl});
        index_[key] = entries_.begin();
    }

    /// Entries held, expired ones included until they are read or evicted.
    [[nodiscard]] std::size_t size() const
    {
        const std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    struct Entry {
        std::string key;
        Value value;
        std::chrono::steady_clock::time_point expires;
    };

    void drop_expired(std::chrono::steady_clock::time_point now)
    {
        for (auto it = entries_.begin(); it != entries_.end();) {
            if (it->expires <= now) {
                index_.erase(it->key);
                it = entries_.erase(it);
            } else {
                ++it;
            }
        }
    }

    std::size_t capacity_;
    SteadyClock clock_;
    mutable std::mutex mutex_;
    std::list<Entry> entries_; ///< most recently used first
    std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

} // namespace ihpa::auth
