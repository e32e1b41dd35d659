#pragma once

#include "adapter/source/latest_value_source.hpp"
#include "model/series.hpp"

namespace ihpa::adapter {

/// Plays a recorded trace as a live metric, `speedup` times faster than real time, looping
/// forever. The position in the trace depends on wall-clock time only (anchored at the unix
/// epoch), so every replica of the server plays the same value at the same moment. Between two
/// trace points the value is interpolated linearly.
class ReplaySource final : public LatestValueSource {
public:
    /// `trace` has at least two points and no gaps; `speedup` > 0.
    ReplaySource(model::Series trace, double speedup);

    [[nodiscard]] std::optional<Sample>
    latest(std::chrono::system_clock::time_point now) const override;

private:
    model::Series trace_;
    double speedup_;
};

} // namespace ihpa::adapter
