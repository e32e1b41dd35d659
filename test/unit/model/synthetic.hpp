#pragma once

#include "model/forecaster.hpp"
#include "model/series.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>

namespace ihpa::model::testing {

/// A fitted model whose forecast is the horizon itself (1, 2, 3, ...) on every path.
class RampFit final : public FittedModel {
public:
    Forecast forecast(Eigen::Index steps) const override
    {
        Eigen::VectorXd m = Eigen::VectorXd::LinSpaced(steps, 1.0, static_cast<double>(steps));
        return {m, m, m};
    }
    const FitStats& stats() const override { return stats_; }

private:
    FitStats stats_;
};

/// Deterministic pseudo-random noise in [-0.5, 0.5) (a 64-bit LCG, Knuth MMIX constants).
class Noise {
public:
    explicit Noise(std::uint64_t seed) : state_(seed) {}
    double next()
    {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state_ >> 11) / 9007199254740992.0 - 0.5;
    }

private:
    std::uint64_t state_;
};

/// A workload-like series: level + daily sine (period `period` steps) + noise.
inline Series daily_series(Eigen::Index n, Eigen::Index period, double noise_scale,
                           std::int64_t step_seconds = 1800)
{
    Series s;
    s.start = 1'700'000'000;
    s.step_seconds = step_seconds;
    s.values.resize(n);
    Noise noise(42);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double phase =
            2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(period);
        s.values[i] = 100.0 + 30.0 * std::sin(phase) + noise_scale * noise.next();
    }
    return s;
}

} // namespace ihpa::model::testing
