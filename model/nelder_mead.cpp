#include "model/nelder_mead.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace ihpa::model {

NelderMeadResult nelder_mead(const std::function<double(const Eigen::VectorXd&)>& objective,
                             const Eigen::VectorXd& start, const NelderMeadOptions& options)
{
    const Eigen::Index d = start.size();
    int evaluations = 0;
    const auto eval = [&](const Eigen::VectorXd& x) {
        ++evaluations;
        const double v = objective(x);
        return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
    };
    Eigen::MatrixXd simplex(d, d + 1);
    std::vector<double> values(static_cast<std::size_t>(d + 1));
    for (Eigen::Index i = 0; i <= d; ++i) {
        simplex.col(i) = start;
        if (i > 0) {
            simplex(i - 1, i) += options.initial_step;
        }
        values[static_cast<std::size_t>(i)] = eval(simplex.col(i));
    }
    std::vector<Eigen::Index> order(static_cast<std::size_t>(d + 1));
    Eigen::VectorXd centroid(d);
    Eigen::VectorXd reflected(d);
    Eigen::VectorXd trial(d);
    const auto value_of = [&values](Eigen::Index i) { return values[static_cast<std::size_t>(i)]; };
    while (evaluations < options.max_evaluations) {
        std::iota(order.begin(), order.end(), Eigen::Index{0});
        std::sort(order.begin(), order.end(),
                  [&](Eigen::Index a, Eigen::Index b) { return value_of(a) < value_of(b); });
        const Eigen::Index best = order.front();
        const Eigen::Index worst = order.back();
        const Eigen::Index second_worst = order[order.size() - 2];
        const double spread = value_of(worst) - value_of(best);
        if (std::isfinite(spread) &&
            spread <= options.tolerance * (std::abs(value_of(best)) + 1e-300)) {
            break;
        }
        centroid = (simplex.rowwise().sum() - simplex.col(worst)) / static_cast<double>(d);
        reflected = centroid + (centroid - simplex.col(worst));
        const double f_reflected = eval(reflected);
        if (f_reflected < value_of(best)) {
            trial = centroid + 2.0 * (centroid - simplex.col(worst));
            const double f_expanded = eval(trial);
            if (f_expanded < f_reflected) {
                simplex.col(worst) = trial;
                values[static_cast<std::size_t>(worst)] = f_expanded;
            } else {
                simplex.col(worst) = reflected;
                values[static_cast<std::size_t>(worst)] = f_reflected;
            }
            continue;
        }
        if (f_reflected < value_of(second_worst)) {
            simplex.col(worst) = reflected;
            values[static_cast<std::size_t>(worst)] = f_reflected;
            continue;
        }
        const bool outside = f_reflected < value_of(worst);
        trial = outside ? Eigen::VectorXd(centroid + 0.5 * (reflected - centroid))
                        : Eigen::VectorXd(centroid + 0.5 * (simplex.col(worst) - centroid));
        const double f_contracted = eval(trial);
        if (f_contracted < (outside ? f_reflected : value_of(worst))) {
            simplex.col(worst) = trial;
            values[static_cast<std::size_t>(worst)] = f_contracted;
            continue;
        }
        for (Eigen::Index i = 0; i <= d; ++i) {
            if (i != best) {
                simplex.col(i) = simplex.col(best) + 0.5 * (simplex.col(i) - simplex.col(best));
                values[static_cast<std::size_t>(i)] = eval(simplex.col(i));
            }
        }
    }
    const auto best = static_cast<Eigen::Index>(
        std::min_element(values.begin(), values.end()) - values.begin());
    return NelderMeadResult{simplex.col(best), value_of(best), evaluations};
}

} // namespace ihpa::model
