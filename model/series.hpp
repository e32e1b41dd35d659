#pragma once

#include <Eigen/Core>

#include <cstdint>

namespace ihpa::model {

/// A fixed-step time series: `values[i]` is the observation at `start + i * step_seconds`
/// (unix seconds, UTC). A gap is NaN. `step_seconds` is > 0 for every series a model is given.
struct Series {
    std::int64_t start = 0;         ///< timestamp of values[0], unix seconds
    std::int64_t step_seconds = 60; ///< distance between consecutive values, seconds
    Eigen::VectorXd values;         ///< observations, NaN marks a gap

    /// Number of points (gaps included).
    [[nodiscard]] Eigen::Index size() const { return values.size(); }
    /// Timestamp of point `i`.
    [[nodiscard]] std::int64_t time_at(Eigen::Index i) const
    {
        return start + static_cast<std::int64_t>(i) * step_seconds;
    }
};

} // namespace ihpa::model
