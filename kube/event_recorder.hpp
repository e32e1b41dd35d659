#pragma once

#include "kube/client.hpp"
#include "kube/micro_time.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace ihpa::kube {

/// The object an event is about (events.k8s.io/v1 `regarding`).
struct ObjectReference {
    std::string api_version;
    std::string kind;
    std::string ns;
    std::string name;
    std::string uid{};
};

/// One occurrence to record.
struct EventInfo {
    std::string type;   ///< "Normal" or "Warning"
    std::string reason; ///< CamelCase, e.g. "ScaledUp"
    std::string action; ///< what was done, e.g. "Scale"
    std::string note;   ///< human-readable, at most 1 kB
};

/// Writes events.k8s.io/v1 Events about objects, as client-go's new event recorder does: the
/// first occurrence creates an Event named `<object>.<hex time>` (the time in nanoseconds, one
/// more than the previous name's when the clock has not moved); an identical event (same
/// object, type, reason, action and note) within `series_window` of the previous one updates
/// that Event's `series` (count, lastObservedTime) with a merge patch instead of creating a new
/// one. Not thread-safe.
class EventRecorder {
public:
    /// `controller` and `instance` become reportingController and reportingInstance.
    EventRecorder(KubeClient& client, std::string controller, std::string instance, WallClock now,
                  std::chrono::seconds series_window = std::chrono::minutes(6));

    /// Records one occurrence; returns the stored Event.
    std::expected<Json, KubeError> record(const ObjectReference& regarding, const EventInfo& event);

private:
    struct Seen {
        std::string name;
        int count = 1;
        std::chrono::system_clock::time_point last;
    };

    KubeClient& client_;
    std::string controller_;
    std::string instance_;
    WallClock now_;
    std::chrono::seconds series_window_;
    std::map<std::string, Seen> seen_; ///< by the event's identity
    std::int64_t last_name_nanos_ = 0; ///< the time in the last Event name made
};

} // namespace ihpa::kube
