#include "adapter/history/series_buffer.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::adapter {

std::int64_t unix_seconds(std::chrono::system_clock::time_point time)
{
    return std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_unix_seconds(std::int64_t seconds)
{
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

SeriesBuffer::SeriesBuffer(std::int64_t step_seconds, std::int64_t capacity)
    : step_seconds_(step_seconds), capacity_(capacity),
      values_(static_cast<std::size_t>(capacity), kGap)
{
}

std::size_t SeriesBuffer::index_of(std::int64_t slot) const
{
    const std::int64_t index = slot % capacity_;
    return static_cast<std::size_t>(index < 0 ? index + capacity_ : index);
}

void SeriesBuffer::record(const Sample& sample)
{
    const std::int64_t t = unix_seconds(sample.time);
    // floor division, also for times before the epoch
    const std::int64_t slot = t / step_seconds_ - ((t % step_seconds_ < 0) ? 1 : 0);
    const float value = std::isfinite(sample.value) ? static_cast<float>(sample.value) : kGap;
    if (!has_data_) {
        has_data_ = true;
        newest_slot_ = slot;
    } else if (slot > newest_slot_) {
        const std::int64_t skipped = std::min(slot - newest_slot_ - 1, capacity_);
        for (std::int64_t s = slot - skipped; s < slot; ++s) {
            values_[index_of(s)] = kGap;
        }
        newest_slot_ = slot;
    } else if (slot <= newest_slot_ - capacity_) {
        return; // older than the window
    }
    values_[index_of(slot)] = value;
    if (std::isfinite(sample.value) && (!latest_ || sample.time >= latest_->time)) {
        latest_ = sample;
    }
}

model::Series SeriesBuffer::series(std::int64_t from) const
{
    model::Series out;
    out.step_seconds = step_seconds_;
    if (!has_data_) {
        out.values.resize(0);
        return out;
    }
    const std::int64_t oldest = newest_slot_ - capacity_ + 1;
    const std::int64_t from_slot =
        std::max(oldest, from / step_seconds_ + ((from % step_seconds_ > 0) ? 1 : 0));
    const std::int64_t count = std::max<std::int64_t>(0, newest_slot_ - from_slot + 1);
    out.start = from_slot * step_seconds_;
    out.values.resize(count);
    for (std::int64_t i = 0; i < count; ++i) {
        out.values[i] = static_cast<double>(values_[index_of(from_slot + i)]);
    }
    return out;
}

model::Series SeriesBuffer::series() const
{
    return series((newest_slot_ - capacity_ + 1) * step_seconds_);
}

std::int64_t SeriesBuffer::finite_count() const
{
    if (!has_data_) {
        return 0;
    }
    return std::count_if(values_.begin(), values_.end(), [](float v) { return std::isfinite(v); });
}

bool SeriesBuffer::restore(std::int64_t newest_slot, std::vector<float> values,
                           std::optional<Sample> latest)
{
    if (static_cast<std::int64_t>(values.size()) != capacity_) {
        return false;
    }
    values_ = std::move(values);
    newest_slot_ = newest_slot;
    has_data_ = true;
    latest_ = latest;
    return true;
}

} // namespace ihpa::adapter
