#include "controller/schedules.hpp"

#include "common/duration.hpp"
#include "common/time_text.hpp"
#include "controller/conditions.hpp"

#include <algorithm>
#include <set>

namespace ihpa::controller {
namespace {

using nlohmann::json;
using std::chrono::system_clock;

constexpr std::int64_t kMaxDurationSeconds = 31 * 86400;

/// A required string member, or nullopt with a problem.
std::optional<std::string> string_member(const json& item, const char* key, bool required,
                                         const std::string& path, std::vector<std::string>& problems)
{
    const auto it = item.find(key);
    if (it == item.end()) {
        if (required) {
            problems.push_back(path + "." + key + ": required");
        }
        return std::nullopt;
    }
    if (!it->is_string() || it->get<std::string>().empty()) {
        problems.push_back(path + "." + key + ": must be a non-empty string");
        return std::nullopt;
    }
    return it->get<std::string>();
}

system_clock::time_point from_unix(std::int64_t seconds)
{
    return system_clock::time_point(std::chrono::seconds(seconds));
}

} // namespace

std::vector<CapacitySchedule> parse_schedules(const json& spec,
                                              std::optional<std::int64_t> max_replicas,
                                              std::vector<std::string>& problems)
{
    std::vector<CapacitySchedule> schedules;
    const auto list = spec.find("schedules");
    if (list == spec.end()) {
        return schedules;
    }
    if (!list->is_array()) {
        problems.push_back("spec.schedules: must be a list");
        return schedules;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string path = "spec.schedules[" + std::to_string(i) + "]";
        const json& item = (*list)[i];
        if (!item.is_object()) {
            problems.push_back(path + ": must be an object");
            continue;
        }
        const auto name = string_member(item, "name", true, path, problems);
        const auto expression = string_member(item, "schedule", true, path, problems);
        const auto zone = string_member(item, "timeZone", false, path, problems);
        const auto duration_text = string_member(item, "duration", true, path, problems);
        bool ok = name && expression && duration_text;
        if (name && !names.insert(*name).second) {
            problems.push_back(path + ".name: \"" + *name + "\" is also the name of an earlier "
                                                            "schedule; names must be unique");
            ok = false;
        }
        std::optional<schedule::CronSchedule> when;
        if (expression) {
            auto parsed = schedule::CronSchedule::parse(*expression, zone.value_or(""));
            if (!parsed) {
                const bool zone_error = parsed.error().rfind("unknown time zone", 0) == 0;
                problems.push_back(path + (zone_error ? ".timeZone: " : ".schedule: ") +
                                   parsed.error());
                ok = false;
            } else {
                when = std::move(*parsed);
            }
        }
        std::int64_t duration_seconds = 0;
        if (duration_text) {
            const auto duration = common::parse_duration(*duration_text);
            if (!duration) {
                problems.push_back(path + ".duration: \"" + *duration_text + "\": " +
                                   duration.error());
                ok = false;
            } else {
                duration_seconds =
                    std::chrono::duration_cast<std::chrono::seconds>(*duration).count();
                if (duration_seconds < 60 || duration_seconds > kMaxDurationSeconds) {
                    problems.push_back(path + ".duration: " + *duration_text +
                                       " is outside 1m..31d");
                    ok = false;
                }
            }
        }
        std::int32_t min_replicas = 0;
        const auto replicas = item.find("minReplicas");
        if (replicas == item.end()) {
            problems.push_back(path + ".minReplicas: required");
            ok = false;
        } else if (!replicas->is_number_integer() || replicas->get<std::int64_t>() < 1 ||
                   replicas->get<std::int64_t>() > 2147483647) {
            problems.push_back(path + ".minReplicas: must be an integer of at least 1");
            ok = false;
        } else if (max_replicas && replicas->get<std::int64_t>() > *max_replicas) {
            problems.push_back(path + ".minReplicas: " + replicas->dump() +
                               " exceeds the template's maxReplicas (" +
                               std::to_string(*max_replicas) + ")");
            ok = false;
        } else {
            min_replicas = replicas->get<std::int32_t>();
        }
        if (ok && when) {
            schedules.push_back(
                {*name, schedule::ScheduledFloor{std::move(*when), duration_seconds, min_replicas}});
        }
    }
    return schedules;
}

ScheduleDecision decide_schedules(const std::vector<CapacitySchedule>& schedules,
                                  system_clock::time_point now)
{
    ScheduleDecision decision;
    const std::int64_t at =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::vector<schedule::ScheduledFloor> floors;
    for (const CapacitySchedule& each : schedules) {
        floors.push_back(each.floor);
        if (const auto fire = each.floor.when.next_after(at)) {
            const auto when = from_unix(*fire);
            decision.next_change = decision.next_change ? std::min(*decision.next_change, when) : when;
        }
    }
    decision.active = schedule::active_floor(floors, at);
    if (decision.active) {
        decision.name = schedules[decision.active->index].name;
        const auto closes = from_unix(decision.active->closes_at);
        decision.next_change = decision.next_change ? std::min(*decision.next_change, closes) : closes;
    }
    return decision;
}

json schedule_status(const ScheduleDecision& decision)
{
    if (!decision.active) {
        return nullptr;
    }
    return {{"name", decision.name},
            {"minReplicas", decision.active->min_replicas},
            {"since", common::rfc3339(from_unix(decision.active->opened_at))},
            {"until", common::rfc3339(from_unix(decision.active->closes_at))}};
}

} // namespace ihpa::controller
