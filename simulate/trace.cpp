#include "simulate/trace.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::simulate {

std::int64_t end_time(const model::Series& series)
{
    return series.time_at(series.size() - 1);
}

double load_at(const model::Series& series, double t)
{
    const model::Series& s = series;
    const double offset = (t - static_cast<double>(s.start)) / static_cast<double>(s.step_seconds);
    if (offset <= 0.0) {
        return s.values[0];
    }
    const auto last = s.size() - 1;
    if (offset >= static_cast<double>(last)) {
        return s.values[last];
    }
    const auto i = static_cast<Eigen::Index>(std::floor(offset));
    const double frac = offset - static_cast<double>(i);
    return s.values[i] + frac * (s.values[i + 1] - s.values[i]);
}

Eigen::Index samples_until(const model::Series& series, std::int64_t now)
{
    const model::Series& s = series;
    if (now < s.start) {
        return 0;
    }
    return std::min<Eigen::Index>((now - s.start) / s.step_seconds + 1, s.size());
}

double observed_at(const model::Series& series, std::int64_t now)
{
    return series.values[std::max<Eigen::Index>(samples_until(series, now) - 1, 0)];
}

} // namespace ihpa::simulate
