#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace ihpa::model {

/// Settings of the seasonal period detection.
struct SeasonalityOptions {
    std::vector<std::int64_t> candidate_seconds{86400, 7 * 86400}; ///< 1 day, 1 week
    double min_autocorrelation = 0.3; ///< a period's autocorrelation must reach this...
    double min_prominence = 0.1;      ///< ...and exceed the lowest one at a shorter lag by this
    double min_cycles = 2.0;          ///< the history must hold this many full cycles
    double min_gain_over_divisor = 0.05; ///< a multiple of an accepted period must beat it by this
    /// Longer series are averaged into this many blocks. Large enough that 28 days at 5-minute
    /// steps keep every point: block means hide any period shorter than a few blocks (an
    /// hourly cycle of 12 steps vanishes in blocks of 8).
    Eigen::Index detection_points = 8192;
};

/// Sample autocorrelation of `y` (linear trend removed) for lags 0..max_lag, computed with an
/// FFT in O(n log n) (Box, Jenkins & Reinsel, "Time Series Analysis", §2.1.5). A constant
/// series gives zeros beyond lag 0.
[[nodiscard]] Eigen::VectorXd autocorrelation(const Eigen::Ref<const Eigen::VectorXd>& y,
                                              Eigen::Index max_lag);

/// Seasonal periods of `y` in steps, strongest first. Candidates are
/// the durations of `candidate_seconds` converted to steps plus the highest peak of the
/// autocorrelation function (computed on block means when `y` is longer than
/// `detection_points`, so a detected period is a multiple of the block length; a peak within
/// ±5 % of a listed duration is that duration, in exact steps); a candidate is accepted only
/// when the series holds `min_cycles` cycles of it, its autocorrelation is a local peak of at
/// least `min_autocorrelation` and prominent, and (for a multiple of an accepted period) clearly
/// higher than that period's. "Strongest" and "higher" compare autocorrelations rescaled to the
/// unbiased denominator n − lag, so that a long period is not penalised for its lag. Empty:
/// treat the series as non-seasonal.
[[nodiscard]] std::vector<double> detect_periods(const Eigen::Ref<const Eigen::VectorXd>& y,
                                                 std::int64_t step_seconds,
                                                 const SeasonalityOptions& options);

/// The seasonal periods set by the user, in steps: each duration of `seconds` rounded to whole
/// steps (as `detect_periods` does for its listed durations), in the given order, kept only when
/// it is at least 2 steps and `n` points hold `min_cycles` full cycles of it; a period equal to
/// an earlier one after rounding is dropped. No significance test: the user said so.
[[nodiscard]] std::vector<double> fixed_periods(Eigen::Index n, std::int64_t step_seconds,
                                                const std::vector<std::int64_t>& seconds,
                                                double min_cycles);

} // namespace ihpa::model
