#include "adapter/source/replay.hpp"

#include <cmath>

namespace ihpa::adapter {

ReplaySource::ReplaySource(model::Series trace, double speedup)
    : trace_(std::move(trace)), speedup_(speedup)
{
}

std::optional<Sample> ReplaySource::latest(std::chrono::system_clock::time_point now) const
{
    const Eigen::Index n = trace_.size();
    if (n < 2) {
        return std::nullopt;
    }
    const double step = static_cast<double>(trace_.step_seconds);
    const double wall = std::chrono::duration<double>(now.time_since_epoch()).count();
    const double length = step * static_cast<double>(n);
    double position = std::fmod(wall * speedup_, length);
    if (position < 0) {
        position += length;
    }
    const double index = std::floor(position / step);
    const auto i = static_cast<Eigen::Index>(index);
    const double frac = position / step - index;
    const double value = trace_.values[i] * (1.0 - frac) + trace_.values[(i + 1) % n] * frac;
    return Sample{now, value};
}

} // namespace ihpa::adapter
