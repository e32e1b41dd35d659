#pragma once

#include "schedule/floor_schedule.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::controller {

/// One entry of `spec.schedules[]`: a named window of capacity (a sale, a release, a batch
/// job) during which the HPA keeps at least `floor.min_replicas` replicas.
struct CapacitySchedule {
    std::string name;
    schedule::ScheduledFloor floor;
};

/// Parses `spec.schedules` (absent: none): each item has `name` (unique), `schedule` (five-field
/// cron), `timeZone` (IANA, default UTC), `duration` (Go syntax, more than 0 and at most 31
/// days) and `minReplicas` (at least 1, at most `max_replicas` when known). Every problem is
/// appended naming its path (`spec.schedules[1].schedule: minute: 61 is out of range 0-59`).
[[nodiscard]] std::vector<CapacitySchedule> parse_schedules(const nlohmann::json& spec,
                                                            std::optional<std::int64_t> max_replicas,
                                                            std::vector<std::string>& problems);

/// What the schedules decide at an instant.
struct ScheduleDecision {
    std::optional<schedule::ActiveFloor> active; ///< the largest open window, if any
    std::string name;                            ///< its schedule's name
    /// When the decision can next change: the active window's close or the next firing of any
    /// schedule, whichever comes first; nullopt without schedules.
    std::optional<std::chrono::system_clock::time_point> next_change;
};

/// The floor in force at `now` (overlapping windows take the maximum) and when to look again.
[[nodiscard]] ScheduleDecision decide_schedules(const std::vector<CapacitySchedule>& schedules,
                                                std::chrono::system_clock::time_point now);

/// `status.schedule` for a decision: `{name, minReplicas, since, until}` while a window is open,
/// null otherwise.
[[nodiscard]] nlohmann::json schedule_status(const ScheduleDecision& decision);

} // namespace ihpa::controller
