#pragma once

#include <Eigen/Core>

#include <expected>

#include "model/forecaster.hpp"

namespace ihpa::model {

/// How gaps (NaN or infinite values) are treated before a model sees a series.
struct GapPolicy {
    Eigen::Index max_interpolated_gap = 6; ///< gaps of at most this many points are interpolated
};

/// A gap-free series for the kernels, with the points that carry no information marked.
struct PreparedValues {
    Eigen::VectorXd values; ///< finite everywhere; long gaps hold the last value before them
    Eigen::VectorXd weight; ///< 1 for observed or interpolated points, 0 inside long gaps
};

/// Applies the gap policy: non-finite values are gaps; leading gaps are dropped; a gap of at
/// most `max_interpolated_gap` points between two observations is linearly interpolated; a
/// longer gap (or a trailing one) is masked (weight 0) and filled with the last observation
/// so that recursions stay finite. Fails with NotEnoughData when no value is finite.
[[nodiscard]] std::expected<PreparedValues, ModelError>
apply_gap_policy(const Eigen::Ref<const Eigen::VectorXd>& values, const GapPolicy& policy);

} // namespace ihpa::model
