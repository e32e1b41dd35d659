#include "adapter/history/history_store.hpp"

#include <cmath>

namespace ihpa::adapter {

StoredSeries::StoredSeries(std::int64_t step_seconds, std::int64_t capacity)
    : buffer_(step_seconds, capacity)
{
}

void StoredSeries::record(const Sample& sample)
{
    const std::lock_guard lock(mutex_);
    buffer_.record(sample);
}

void StoredSeries::record(const std::vector<Sample>& samples)
{
    const std::lock_guard lock(mutex_);
    for (const Sample& sample : samples) {
        buffer_.record(sample);
    }
}

model::Series StoredSeries::series(std::int64_t from) const
{
    const std::lock_guard lock(mutex_);
    return buffer_.series(from);
}

model::Series StoredSeries::series() const
{
    const std::lock_guard lock(mutex_);
    return buffer_.series();
}

std::optional<Sample> StoredSeries::latest() const
{
    const std::lock_guard lock(mutex_);
    return buffer_.latest();
}

std::int64_t StoredSeries::finite_count() const
{
    const std::lock_guard lock(mutex_);
    return buffer_.finite_count();
}

std::int64_t StoredSeries::step_seconds() const
{
    return buffer_.step_seconds(); // immutable after construction
}

std::int64_t StoredSeries::capacity() const
{
    return buffer_.capacity(); // immutable after construction
}

void StoredSeries::with_buffer(const std::function<void(const SeriesBuffer&)>& visit) const
{
    const std::lock_guard lock(mutex_);
    visit(buffer_);
}

bool StoredSeries::restore(std::int64_t newest_slot, std::vector<float> values,
                           std::optional<Sample> latest)
{
    const std::lock_guard lock(mutex_);
    return buffer_.restore(newest_slot, std::move(values), latest);
}

std::shared_ptr<StoredSeries> HistoryStore::ensure(const std::string& key,
                                                   std::int64_t step_seconds,
                                                   std::int64_t capacity)
{
    const std::unique_lock lock(mutex_);
    auto& slot = series_[key];
    if (slot && slot->step_seconds() == step_seconds && slot->capacity() == capacity) {
        return slot;
    }
    auto fresh = std::make_shared<StoredSeries>(step_seconds, capacity);
    if (slot) {
        const model::Series old = slot->series();
        std::vector<Sample> samples;
        for (Eigen::Index i = 0; i < old.size(); ++i) {
            if (std::isfinite(old.values[i])) {
                samples.push_back({from_unix_seconds(old.time_at(i)), old.values[i]});
            }
        }
        fresh->record(samples);
        if (auto latest = slot->latest()) {
            fresh->record(*latest);
        }
    }
    slot = fresh;
    return slot;
}

std::shared_ptr<StoredSeries> HistoryStore::find(const std::string& key) const
{
    const std::shared_lock lock(mutex_);
    const auto it = series_.find(key);
    return it == series_.end() ? nullptr : it->second;
}

void HistoryStore::remove(const std::string& key)
{
    const std::unique_lock lock(mutex_);
    series_.erase(key);
}

std::vector<std::pair<std::string, std::shared_ptr<StoredSeries>>> HistoryStore::all() const
{
    const std::shared_lock lock(mutex_);
    return {series_.begin(), series_.end()};
}

std::size_t HistoryStore::size() const
{
    const std::shared_lock lock(mutex_);
    return series_.size();
}

std::string series_key(const std::string& source, const std::string& query,
                       std::int64_t step_seconds)
{
    // The unit separator cannot appear in a configured source name; the query goes last.
    return source + '\x1f' + std::to_string(step_seconds) + '\x1f' + query;
}

} // namespace ihpa::adapter
