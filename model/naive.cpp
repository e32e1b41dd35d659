#include "model/naive.hpp"

#include "model/constant_path.hpp"

#include <cmath>

namespace ihpa::model {

std::expected<ComponentRun, ModelError> Naive::run(const ComponentInput& input) const
{
    const Eigen::Index n = input.y.size();
    if (n < 1 || input.n_fit < 1) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData, "naive: no data"});
    }
    ComponentRun out;
    out.validation.resize(n - input.n_fit, input.horizons);
    for (Eigen::Index k = 0; k < out.validation.rows(); ++k) {
        out.validation.row(k).setConstant(input.y[input.n_fit - 1 + k]);
    }
    out.final_path = std::make_shared<const ConstantPath>(input.y[n - 1]);
    out.stats.description = "naive";
    out.stats.aic = std::nan("");
    for (Eigen::Index t = 1; t < input.n_fit; ++t) {
        if (input.weight[t] > 0.0 && input.weight[t - 1] > 0.0) {
            const double d = input.y[t] - input.y[t - 1];
            out.stats.sse += d * d;
            ++out.stats.n_obs;
        }
    }
    return out;
}

} // namespace ihpa::model
