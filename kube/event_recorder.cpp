#include "kube/event_recorder.hpp"

#include <algorithm>
#include <cstdio>

namespace ihpa::kube {

EventRecorder::EventRecorder(KubeClient& client, std::string controller, std::string instance, WallClock now,
                             std::chrono::seconds series_window)
    : client_(client), controller_(std::move(controller)), instance_(std::move(instance)), now_(std::move(now)),
      series_window_(series_window)
{
}

std::expected<Json, KubeError> EventRecorder::record(const ObjectReference& regarding, const EventInfo& event)
{
    const auto now = now_();
    const std::string identity = regarding.ns + "/" + regarding.kind + "/" + regarding.name + "\n" + event.type +
                                 "\n" + event.reason + "\n" + event.action + "\n" + event.note;
    if (const auto found = seen_.find(identity);
        found != seen_.end() && now - found->second.last < series_window_) {
        Seen& seen = found->second;
        const Json patch = {{"series", {{"count", seen.count + 1}, {"lastObservedTime", format_micro_time(now)}}}};
        auto patched = client_.patch(events(), regarding.ns, seen.name, PatchType::Merge, patch);
        if (patched) {
            ++seen.count;
            seen.last = now;
            return patched;
        }
        if (!patched.error().not_found()) {
            return patched;
        }
        seen_.erase(found); // the Event expired on the server: start a new one
    }
    // Names stay unique when several events share a clock reading (a coarse clock, one round).
    const auto nanos = std::max<std::int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count(), last_name_nanos_ + 1);
    last_name_nanos_ = nanos;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(nanos));
    const std::string name = regarding.name + suffix;
    Json reference = {{"apiVersion", regarding.api_version},
                      {"kind", regarding.kind},
                      {"namespace", regarding.ns},
                      {"name", regarding.name}};
    if (!regarding.uid.empty()) {
        reference["uid"] = regarding.uid;
    }
    const Json object = {{"apiVersion", events().api_version()},
                         {"kind", "Event"},
                         {"metadata", {{"name", name}, {"namespace", regarding.ns}}},
                         {"eventTime", format_micro_time(now)},
                         {"reportingController", controller_},
                         {"reportingInstance", instance_},
                         {"action", event.action},
                         {"reason", event.reason},
                         {"regarding", reference},
                         {"note", event.note.substr(0, 1024)},
                         {"type", event.type}};
    auto created = client_.create(events(), regarding.ns, object);
    if (created) {
        seen_[identity] = Seen{name, 1, now};
    }
    return created;
}

} // namespace ihpa::kube
