#include "holt_winters_reference.hpp"

#include <cmath>
#include <vector>

namespace ihpa::model {

SmoothingReference holt_winters_reference(const Eigen::Ref<const Eigen::VectorXd>& y,
                                          const Eigen::Ref<const Eigen::VectorXd>& weight,
                                          Eigen::Index period, const SmoothingParams& p,
                                          double clip, Eigen::Index steps)
{
    const InitialState init = initial_state(y, period);
    const Eigen::Index n = y.size();
    const Eigen::Index m = period;
    // Full state histories: l[t+1], b[t+1] after y_t; s[t + m] is the seasonal of time t.
    std::vector<double> l(static_cast<std::size_t>(n + 1));
    std::vector<double> b(static_cast<std::size_t>(n + 1));
    std::vector<double> s(static_cast<std::size_t>(n + m), 0.0);
    l[0] = init.level;
    b[0] = init.trend;
    for (Eigen::Index i = 0; i < m; ++i) {
        s[static_cast<std::size_t>(i)] = init.season[static_cast<std::size_t>(i)];
    }
    double sse = 0.0;
    int previous_sign = 0;
    for (Eigen::Index t = 0; t < n; ++t) {
        const auto i = static_cast<std::size_t>(t);
        const double season = m > 0 ? s[i] : 0.0;
        const double predicted = l[i] + p.phi * b[i] + season;
        if (weight[t] <= 0.0) {
            l[i + 1] = l[i] + p.phi * b[i];
            b[i + 1] = p.phi * b[i];
            if (m > 0) {
                s[i + static_cast<std::size_t>(m)] = season;
            }
            continue;
        }
        const double error = y[t] - predicted;
        sse += error * error;
        double used = error;
        const int sign = error > 0.0 ? 1 : -1;
        if (clip > 0.0 && std::abs(error) > clip) {
            used = sign == previous_sign ? error : sign * clip;
            previous_sign = sign;
        } else {
            previous_sign = 0;
        }
        const double cleaned = predicted + used;
        l[i + 1] = p.alpha * (cleaned - season) + (1.0 - p.alpha) * (l[i] + p.phi * b[i]);
        b[i + 1] = p.beta * (l[i + 1] - l[i]) + (1.0 - p.beta) * p.phi * b[i];
        if (m > 0) {
            s[i + static_cast<std::size_t>(m)] =
                p.gamma * (cleaned - l[i] - p.phi * b[i]) + (1.0 - p.gamma) * season;
        }
    }
    // The seasonal states of times n .. n + m − 1, i.e. of horizons 1 .. m.
    const Eigen::VectorXd ahead =
        Eigen::Map<const Eigen::VectorXd>(s.data() + n, m);
    const auto final = static_cast<std::size_t>(n);
    return {sse, holt_winters_forecast(l[final], b[final], p.phi, ahead, steps)};
}

} // namespace ihpa::model
