#include "model/local_level.hpp"

#include "model/constant_path.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ihpa::model {
namespace {

/// The median of the last `window` observed points of y[0..origin] (fewer when fewer are
/// observed; the last value itself when none is).
double local_median(const ComponentInput& input, Eigen::Index origin, Eigen::Index window,
                    std::vector<double>& scratch)
{
    scratch.clear();
    for (Eigen::Index t = origin; t >= 0 && static_cast<Eigen::Index>(scratch.size()) < window;
         --t) {
        if (input.weight[t] > 0.0) {
            scratch.push_back(input.y[t]);
        }
    }
    if (scratch.empty()) {
        return input.y[origin];
    }
    const auto middle = scratch.begin() + static_cast<std::ptrdiff_t>(scratch.size() / 2);
    std::nth_element(scratch.begin(), middle, scratch.end());
    if (scratch.size() % 2 == 1) {
        return *middle;
    }
    const double upper = *middle;
    return 0.5 * (upper + *std::max_element(scratch.begin(), middle));
}

} // namespace

LocalLevel::LocalLevel(LocalLevelParams params) : params_(params) {}

std::expected<LocalLevel, ModelError> LocalLevel::create(LocalLevelParams params)
{
    if (params.window < 1 || params.window > 99 || params.window % 2 == 0) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                          "localLevel: window must be odd and in 1..99, got " +
                                              std::to_string(params.window)});
    }
    return LocalLevel(params);
}

std::expected<ComponentRun, ModelError> LocalLevel::run(const ComponentInput& input) const
{
    const Eigen::Index n = input.y.size();
    if (n < 1 || input.n_fit < 1) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData, "localLevel: no data"});
    }
    std::vector<double> scratch;
    scratch.reserve(static_cast<std::size_t>(params_.window));
    ComponentRun out;
    out.validation.resize(n - input.n_fit, input.horizons);
    for (Eigen::Index k = 0; k < out.validation.rows(); ++k) {
        out.validation.row(k).setConstant(
            local_median(input, input.n_fit - 1 + k, params_.window, scratch));
    }
    out.final_path =
        std::make_shared<const ConstantPath>(local_median(input, n - 1, params_.window, scratch));
    out.stats.description = "localLevel(window=" + std::to_string(params_.window) + ")";
    out.stats.aic = std::nan("");
    out.stats.parameters = Eigen::VectorXd::Constant(1, static_cast<double>(params_.window));
    for (Eigen::Index t = 1; t < input.n_fit; ++t) {
        if (input.weight[t] > 0.0) {
            const double e = input.y[t] - local_median(input, t - 1, params_.window, scratch);
            out.stats.sse += e * e;
            ++out.stats.n_obs;
        }
    }
    return out;
}

} // namespace ihpa::model
