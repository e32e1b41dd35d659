#include "model/gap_policy.hpp"

#include <cmath>

namespace ihpa::model {

std::expected<PreparedValues, ModelError>
apply_gap_policy(const Eigen::Ref<const Eigen::VectorXd>& values, const GapPolicy& policy)
{
    const Eigen::Index n = values.size();
    Eigen::Index first = 0;
    while (first < n && !std::isfinite(values[first])) {
        ++first;
    }
    if (first == n) {
        return std::unexpected(
            ModelError{ModelError::Kind::NotEnoughData, "the series has no finite value"});
    }
    PreparedValues out{values.tail(n - first), Eigen::VectorXd::Ones(n - first)};
    Eigen::VectorXd& y = out.values;
    Eigen::Index last_seen = 0; // index of the latest finite value (y[0] is finite)
    for (Eigen::Index i = 1; i <= y.size(); ++i) {
        if (i < y.size() && !std::isfinite(y[i])) {
            continue;
        }
        const Eigen::Index gap = i - last_seen - 1;
        if (gap > 0) {
            const bool interpolate = i < y.size() && gap <= policy.max_interpolated_gap;
            for (Eigen::Index j = last_seen + 1; j < i; ++j) {
                if (interpolate) {
                    const double frac = static_cast<double>(j - last_seen) /
                                        static_cast<double>(i - last_seen);
                    y[j] = y[last_seen] + frac * (y[i] - y[last_seen]);
                } else {
                    y[j] = y[last_seen];
                    out.weight[j] = 0.0;
                }
            }
        }
        last_seen = i;
    }
    return out;
}

} // namespace ihpa::model
