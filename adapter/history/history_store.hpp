#pragma once

#include "adapter/history/series_buffer.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// One series of the store: its buffer behind a lock, so pollers write while request threads
/// and the fitter read. Every method is thread-safe and holds the lock only for a copy.
class StoredSeries {
public:
    StoredSeries(std::int64_t step_seconds, std::int64_t capacity);

    void record(const Sample& sample);
    /// Records several samples under one lock (backfill).
    void record(const std::vector<Sample>& samples);
    /// The slots from `from` (unix seconds) to the newest (see SeriesBuffer::series).
    [[nodiscard]] model::Series series(std::int64_t from) const;
    /// The whole window.
    [[nodiscard]] model::Series series() const;
    [[nodiscard]] std::optional<Sample> latest() const;
    [[nodiscard]] std::int64_t finite_count() const;
    [[nodiscard]] std::int64_t step_seconds() const;
    [[nodiscard]] std::int64_t capacity() const;
    /// Runs `visit` on the buffer under the lock (snapshots).
    void with_buffer(const std::function<void(const SeriesBuffer&)>& visit) const;
    /// Replaces the buffer's contents (snapshot load); false when the parts do not fit.
    bool restore(std::int64_t newest_slot, std::vector<float> values, std::optional<Sample> latest);

private:
    mutable std::mutex mutex_;
    SeriesBuffer buffer_;
};

/// Every series the adapter keeps, by key (`series_key`). Thread-safe.
class HistoryStore {
public:
    /// The series under `key`, created empty if absent. When it exists with another step or
    /// capacity (the configuration changed), it is rebuilt with the new geometry and keeps every
    /// value that still fits.
    std::shared_ptr<StoredSeries> ensure(const std::string& key, std::int64_t step_seconds,
                                         std::int64_t capacity);
    /// The series under `key`, or null.
    [[nodiscard]] std::shared_ptr<StoredSeries> find(const std::string& key) const;
    /// Forgets the series under `key` (no longer configured).
    void remove(const std::string& key);
    /// Every key and series, sorted by key (a copy of the index; the series stay shared).
    [[nodiscard]] std::vector<std::pair<std::string, std::shared_ptr<StoredSeries>>> all() const;
    /// Number of series.
    [[nodiscard]] std::size_t size() const;

private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::shared_ptr<StoredSeries>, std::less<>> series_;
};

/// The store key of a series: the source name, the query and the step, joined unambiguously.
[[nodiscard]] std::string series_key(const std::string& source, const std::string& query,
                                     std::int64_t step_seconds);

} // namespace ihpa::adapter
