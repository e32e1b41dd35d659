#pragma once

#include "schedule/floor_schedule.hpp"

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace ihpa::controller {

/// Reads the scheduled floors of `ihpa simulate --schedules FILE`: YAML or JSON holding the same
/// list as an IHPA's `spec.schedules` — the list itself, a mapping with `schedules`, or a whole
/// IHPA manifest. Each entry is checked as the controller checks it (`minReplicas` at most
/// `max_replicas`); the error names the file and every problem with its path.
[[nodiscard]] std::expected<std::vector<schedule::ScheduledFloor>, std::string>
read_schedules_file(const std::string& path, std::int64_t max_replicas);

} // namespace ihpa::controller
