#include "adapter/source/datadog/datadog_source_kind.hpp"
#include "adapter/source/prometheus/prometheus_source_kind.hpp"
#include "adapter/source/redis/redis_source_kind.hpp"
#include "adapter/source/replay/replay.hpp"
#include "adapter/source/source_kind.hpp"

#include <vector>

namespace ihpa::adapter {

std::span<const SourceKind> source_kinds()
{
    static const std::vector<SourceKind> kinds = {
        prometheus_source_kind(),
        redis_source_kind(),
        datadog_source_kind(),
        replay_source_kind(),
    };
    return kinds;
}

} // namespace ihpa::adapter
