#pragma once

#include "model/forecaster.hpp"
#include "model/series.hpp"
#include "model/time_shift.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>

namespace ihpa::model::testing {

/// A forecast anchored at t = 1000 with a 60 s step and last fitted value 10; horizons 1..4
/// (1060..1240): mean 12, 20, 16, 14; lower 11, 15, 12, 10; upper 13, 26, 21, 19.
inline AnchoredForecast example_anchored()
{
    AnchoredForecast a;
    a.origin = 1000;
    a.step_seconds = 60;
    a.origin_value = 10.0;
    a.forecast.mean = Eigen::Vector4d(12.0, 20.0, 16.0, 14.0);
    a.forecast.lower = Eigen::Vector4d(11.0, 15.0, 12.0, 10.0);
    a.forecast.upper = Eigen::Vector4d(13.0, 26.0, 21.0, 19.0);
    return a;
}

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

/// A random walk of `n` steps from 100, each step 10 × Noise(seed) (standard deviation 2.9), on
/// the time grid of `daily_series`.
inline Series random_walk(Eigen::Index n, std::uint64_t seed)
{
    Series s = daily_series(n, 48, 0.0);
    Noise noise(seed);
    double level = 100.0;
    for (Eigen::Index i = 0; i < s.size(); ++i) {
        level += 10.0 * noise.next();
        s.values[i] = level;
    }
    return s;
}

} // namespace ihpa::model::testing
