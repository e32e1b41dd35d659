#pragma once

#include <chrono>
#include <optional>

namespace ihpa::adapter {

/// One observation of a metric.
struct Sample {
    std::chrono::system_clock::time_point time;
    double value = 0.0;
};

/// Something that knows a metric's latest value without doing I/O when asked (the request path
/// calls it). Thread-safe.
class LatestValueSource {
public:
    virtual ~LatestValueSource() = default;
    /// The latest observation at `now`, or nullopt when there is none (yet).
    [[nodiscard]] virtual std::optional<Sample>
    latest(std::chrono::system_clock::time_point now) const = 0;
};

} // namespace ihpa::adapter
