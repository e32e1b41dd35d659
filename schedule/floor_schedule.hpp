#pragma once

#include "schedule/cron.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace ihpa::schedule {

/// A window of capacity set in advance (a sale, a release, a batch job): from each firing of
/// `when` for `duration_seconds`, at least `min_replicas` replicas.
struct ScheduledFloor {
    CronSchedule when;
    std::int64_t duration_seconds = 0; ///< > 0
    std::int32_t min_replicas = 0;     ///< >= 1
};

/// The floor in force at an instant: the largest `min_replicas` of the windows open then.
struct ActiveFloor {
    std::int32_t min_replicas = 0;
    std::size_t index = 0;      ///< of the window that sets it (the first of equals)
    std::int64_t opened_at = 0; ///< Unix seconds: the earliest firing whose window is still open
    std::int64_t closes_at = 0; ///< Unix seconds: that firing + duration (a later firing of the
                                ///< same schedule may keep the window open past it)
};

/// Whether window `floor` is open at `at` (Unix seconds): a firing f with
/// at - duration < f <= at, i.e. it opens at f and closes at f + duration (excluded).
/// Overlapping firings of one schedule (a duration longer than its period) keep it open.
[[nodiscard]] std::optional<ActiveFloor> open_window(const ScheduledFloor& floor, std::int64_t at);

/// The largest floor of the windows open at `at`, or nullopt when none is (overlapping
/// windows take the maximum).
[[nodiscard]] std::optional<ActiveFloor> active_floor(const std::vector<ScheduledFloor>& floors,
                                                      std::int64_t at);

} // namespace ihpa::schedule
