#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace ihpa::adapter {

/// The one staleness rule of pass-through values (configured metrics and external rules alike):
/// data observed at `time` is served at `now` while it is at most `max_age` old. Returns why it
/// cannot be served ("the newest data is 10m1s old"), or nullopt when it can.
[[nodiscard]] std::optional<std::string> too_old(std::chrono::system_clock::time_point time,
                                                 std::chrono::system_clock::time_point now,
                                                 std::chrono::milliseconds max_age);

} // namespace ihpa::adapter
