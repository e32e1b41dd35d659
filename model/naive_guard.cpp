#include "model/naive_guard.hpp"

#include <cmath>
#include <limits>

namespace ihpa::model {

GuardDecision naive_guard(const Eigen::MatrixXd& mae, const std::vector<bool>& is_fallback,
                          const std::vector<std::string>& names, double margin)
{
    GuardDecision decision;
    double best_mean = std::numeric_limits<double>::infinity();
    bool found = false;
    for (Eigen::Index c = 0; c < mae.rows(); ++c) {
        if (!is_fallback[static_cast<std::size_t>(c)] || !mae.row(c).allFinite()) {
            continue;
        }
        const double mean = mae.row(c).mean();
        if (mean < best_mean) {
            best_mean = mean;
            decision.fallback = c;
            found = true;
        }
    }
    if (!found) {
        return decision;
    }
    decision.horizons = mae.cols();
    for (Eigen::Index h = 0; h < mae.cols(); ++h) {
        const double bar = (1.0 - margin) * mae(decision.fallback, h);
        for (Eigen::Index c = 0; c < mae.rows(); ++c) {
            if (!is_fallback[static_cast<std::size_t>(c)] && std::isfinite(mae(c, h)) &&
                mae(c, h) < bar) {
                ++decision.beaten;
                break;
            }
        }
    }
    decision.engaged = 2 * decision.beaten < decision.horizons;
    if (decision.engaged) {
        decision.description = "guard(fallback=" +
                               names[static_cast<std::size_t>(decision.fallback)] +
                               ": no model beats it at " +
                               std::to_string(decision.horizons - decision.beaten) + " of " +
                               std::to_string(decision.horizons) + " horizons)";
    }
    return decision;
}

} // namespace ihpa::model
