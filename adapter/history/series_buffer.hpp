#pragma once

#include "adapter/source/metric_source.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace ihpa::adapter {

/// The history of one metric series: a fixed-step ring buffer of float32 values (NaN = gap)
/// covering the `capacity` newest step slots, plus the latest raw observation. A sample at time
/// t lands in slot floor(t / step) (slots are aligned to multiples of the step since the unix
/// epoch, so every replica and every restart aligns the same way); a later sample for the same
/// slot replaces the earlier one. Not thread-safe: the store guards it.
class SeriesBuffer {
public:
    /// The geometries the configuration allows (history / step at most kMaxCapacity slots, a
    /// step of at most a day, at most 400 days of history); snapshots and the write-ahead log
    /// reject others as corrupt.
    static constexpr std::int64_t kMaxCapacity = std::int64_t{1} << 24;
    static constexpr std::int64_t kMaxStepSeconds = 86'400;
    static constexpr std::int64_t kMaxHistorySeconds = 400 * kMaxStepSeconds;
    /// Times a snapshot or the log may hold (those a source may report), so slot arithmetic
    /// never overflows.
    static constexpr std::int64_t kMaxUnixSeconds = adapter::kMaxUnixSeconds;

    /// True for a step and capacity within the limits above.
    [[nodiscard]] static bool valid_geometry(std::int64_t step_seconds, std::int64_t capacity)
    {
        return step_seconds > 0 && step_seconds <= kMaxStepSeconds && capacity > 0 &&
               capacity <= kMaxCapacity && capacity * step_seconds <= kMaxHistorySeconds;
    }
    /// True for a time in milliseconds since the epoch within ±kMaxUnixSeconds.
    [[nodiscard]] static bool valid_time_ms(std::int64_t ms)
    {
        return ms >= -kMaxUnixSeconds * 1000 && ms <= kMaxUnixSeconds * 1000;
    }

    /// `step_seconds` > 0, `capacity` >= 1.
    SeriesBuffer(std::int64_t step_seconds, std::int64_t capacity);

    /// Records a sample. Samples newer than the newest slot advance the buffer (skipped slots
    /// become gaps); samples inside the window fill or replace their slot (backfill); samples
    /// older than the window are dropped. Non-finite values are recorded as gaps.
    void record(const Sample& sample);

    /// The slots from `from` (unix seconds, inclusive, clamped to the window) to the newest slot,
    /// as a model series (NaN for gaps). Empty (size 0) when nothing was ever recorded.
    [[nodiscard]] model::Series series(std::int64_t from) const;

    /// The whole window (all `capacity` slots ending at the newest one).
    [[nodiscard]] model::Series series() const;

    /// The latest observation recorded (by sample time), if any, with its exact time.
    [[nodiscard]] const std::optional<Sample>& latest() const { return latest_; }

    /// Number of finite values in the window.
    [[nodiscard]] std::int64_t finite_count() const;

    /// The slot index (time / step) of the newest slot; meaningless while empty().
    [[nodiscard]] std::int64_t newest_slot() const { return newest_slot_; }
    [[nodiscard]] bool empty() const { return !has_data_; }
    [[nodiscard]] std::int64_t step_seconds() const { return step_seconds_; }
    [[nodiscard]] std::int64_t capacity() const { return capacity_; }

    /// The raw ring (for snapshots): `values()[slot % capacity]` holds slot `slot`.
    [[nodiscard]] const std::vector<float>& values() const { return values_; }

    /// Restores a buffer from a snapshot's parts; false (buffer unchanged) when they are
    /// inconsistent (wrong ring size).
    bool restore(std::int64_t newest_slot, std::vector<float> values, std::optional<Sample> latest);

private:
    static constexpr float kGap = std::numeric_limits<float>::quiet_NaN();

    [[nodiscard]] std::size_t index_of(std::int64_t slot) const;

    std::int64_t step_seconds_;
    std::int64_t capacity_;
    std::vector<float> values_;
    std::int64_t newest_slot_ = 0;
    bool has_data_ = false;
    std::optional<Sample> latest_;
};

/// Unix seconds of a time point (floored).
[[nodiscard]] std::int64_t unix_seconds(std::chrono::system_clock::time_point time);

/// The time point of unix seconds.
[[nodiscard]] std::chrono::system_clock::time_point from_unix_seconds(std::int64_t seconds);

} // namespace ihpa::adapter
