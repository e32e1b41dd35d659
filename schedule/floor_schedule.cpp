#include "schedule/floor_schedule.hpp"

namespace ihpa::schedule {

std::optional<ActiveFloor> open_window(const ScheduledFloor& floor, std::int64_t at)
{
    const auto fire = floor.when.next_after(at - floor.duration_seconds);
    if (!fire || *fire > at) {
        return std::nullopt;
    }
    return ActiveFloor{floor.min_replicas, 0, *fire, *fire + floor.duration_seconds};
}

std::optional<ActiveFloor> active_floor(const std::vector<ScheduledFloor>& floors,
                                        std::int64_t at)
{
    std::optional<ActiveFloor> best;
    for (std::size_t i = 0; i < floors.size(); ++i) {
        auto open = open_window(floors[i], at);
        if (open && (!best || open->min_replicas > best->min_replicas)) {
            open->index = i;
            best = open;
        }
    }
    return best;
}

} // namespace ihpa::schedule
