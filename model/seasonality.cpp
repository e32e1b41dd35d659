#include "model/seasonality.hpp"

#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cmath>
#include <complex>
#include <utility>

namespace ihpa::model {
namespace {

/// The autocorrelation function with, for every lag, the lowest value at lags 1..lag.
struct Acf {
    Eigen::VectorXd value;
    Eigen::VectorXd running_min;

    /// True when `lag` is a local maximum that rises `prominence` above the lowest value at a
    /// shorter lag (a persistent series has a high but monotonically decaying ACF).
    [[nodiscard]] bool is_peak(Eigen::Index lag, double prominence) const
    {
        if (lag < 2 || lag + 1 >= value.size()) {
            return false;
        }
        if (value[lag] < value[lag - 1] || value[lag] < value[lag + 1]) {
            return false;
        }
        return running_min[lag - 1] <= value[lag] - prominence;
    }
};

/// ±5 % of `lag` (at least ±1 lag): a nominal period whose peak is blurred by noise still
/// counts as a peak.
Eigen::Index refine_radius(Eigen::Index lag) { return std::max<Eigen::Index>(1, lag / 20); }

/// The lag of the highest autocorrelation within `refine_radius` of `lag`.
Eigen::Index refine(const Eigen::VectorXd& acf, Eigen::Index lag)
{
    const Eigen::Index radius = refine_radius(lag);
    Eigen::Index best = lag;
    for (Eigen::Index l = std::max<Eigen::Index>(2, lag - radius);
         l <= std::min(acf.size() - 2, lag + radius); ++l) {
        if (acf[l] > acf[best]) {
            best = l;
        }
    }
    return best;
}

} // namespace

Eigen::VectorXd autocorrelation(const Eigen::Ref<const Eigen::VectorXd>& y, Eigen::Index max_lag)
{
    const Eigen::Index n = y.size();
    max_lag = std::min(max_lag, n - 1);
    Eigen::VectorXd acf = Eigen::VectorXd::Zero(std::max<Eigen::Index>(max_lag + 1, 1));
    if (n < 3) {
        acf[0] = 1.0;
        return acf;
    }
    // Remove the least-squares line, so a trend does not pass for persistence.
    const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(n, 0.0, static_cast<double>(n - 1));
    const double t_mean = t.mean();
    const double y_mean = y.mean();
    const double slope =
        ((t.array() - t_mean) * (y.array() - y_mean)).sum() / (t.array() - t_mean).square().sum();
    const Eigen::VectorXd x = (y.array() - y_mean - slope * (t.array() - t_mean)).matrix();
    const double variance = x.squaredNorm();
    if (!(variance > 1e-12 * std::max(1.0, y.squaredNorm()))) {
        acf[0] = 1.0;
        return acf;
    }
    Eigen::Index size = 1;
    while (size < 2 * n) {
        size *= 2;
    }
    // The transform's plans and buffers (a few hundred KB at 8,192 points) are kept per thread:
    // allocating and faulting them in afresh cost several times the transforms themselves.
    // Only the half spectrum of a real input is computed and transformed back.
    thread_local Eigen::FFT<double> fft = [] {
        Eigen::FFT<double> half;
        half.SetFlag(Eigen::FFT<double>::HalfSpectrum);
        return half;
    }();
    thread_local std::vector<double> padded;
    thread_local std::vector<std::complex<double>> spectrum;
    thread_local std::vector<double> lagged;
    padded.assign(static_cast<std::size_t>(size), 0.0);
    std::copy(x.data(), x.data() + n, padded.begin());
    fft.fwd(spectrum, padded);
    for (auto& c : spectrum) {
        c = std::complex<double>(std::norm(c), 0.0);
    }
    fft.inv(lagged, spectrum, size);
    for (Eigen::Index l = 0; l <= max_lag; ++l) {
        acf[l] = lagged[static_cast<std::size_t>(l)] / variance;
    }
    return acf;
}

std::vector<double> detect_periods(const Eigen::Ref<const Eigen::VectorXd>& y,
                                   std::int64_t step_seconds, const SeasonalityOptions& options)
{
    std::vector<double> periods;
    const Eigen::Index n = y.size();
    const auto max_period = static_cast<Eigen::Index>(static_cast<double>(n) / options.min_cycles);
    if (step_seconds <= 0 || max_period < 3) {
        return periods;
    }
    // The ACF is computed on block means of at most `detection_points` blocks (aligned to the
    // end), which keeps the FFT small; periods are then expressed in steps again.
    const Eigen::Index block = std::max<Eigen::Index>(
        1, (n + options.detection_points - 1) / options.detection_points);
    const Eigen::Index blocks = n / block;
    Eigen::VectorXd z(blocks);
    for (Eigen::Index b = 0; b < blocks; ++b) {
        z[b] = y.segment(n - (blocks - b) * block, block).mean();
    }
    const Eigen::Index max_lag = max_period / block;
    if (max_lag < 3) {
        return periods;
    }
    Acf shape{autocorrelation(z, max_lag + 1), {}};
    const Eigen::VectorXd& acf = shape.value;
    shape.running_min = acf;
    for (Eigen::Index l = 2; l < acf.size(); ++l) {
        shape.running_min[l] = std::min(shape.running_min[l - 1], acf[l]);
    }
    // Candidates at different lags are compared by the autocorrelation with the unbiased
    // denominator n − lag: the usual estimator shrinks lag l by (n − l) / n, which would hold
    // a weekly cycle in four weeks of data (shrunk by 1/4) below the daily one it contains.
    const auto strength = [&acf, blocks](Eigen::Index lag) {
        return acf[lag] * static_cast<double>(blocks) / static_cast<double>(blocks - lag);
    };
    struct Candidate {
        Eigen::Index lag;   ///< in blocks
        double steps;       ///< the period in steps
    };
    std::vector<Candidate> candidates;
    for (const std::int64_t seconds : options.candidate_seconds) {
        const double steps = std::round(static_cast<double>(seconds) /
                                        static_cast<double>(step_seconds));
        const auto lag = static_cast<Eigen::Index>(std::llround(steps / static_cast<double>(block)));
        if (steps >= 2.0 && lag >= 2 && lag <= max_lag) {
            candidates.push_back({lag, steps});
        }
    }
    Eigen::Index strongest = 0;
    for (Eigen::Index l = 2; l + 1 < acf.size(); ++l) {
        if (shape.is_peak(l, options.min_prominence) &&
            (strongest == 0 || acf[l] > acf[strongest])) {
            strongest = l;
        }
    }
    // A peak within the refinement radius of a listed duration is that duration (the block
    // means and noise blur the peak by a lag or two): the duration is kept in exact steps.
    const bool near_listed =
        std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& listed) {
            return std::abs(strongest - listed.lag) <= refine_radius(listed.lag);
        });
    if (strongest != 0 && !near_listed) {
        candidates.push_back({strongest, static_cast<double>(strongest * block)});
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& a, const Candidate& b) { return a.lag < b.lag; });
    std::vector<Candidate> accepted;
    for (const Candidate& candidate : candidates) {
        const Eigen::Index lag = candidate.lag;
        if (acf[lag] < options.min_autocorrelation ||
            !shape.is_peak(refine(acf, lag), options.min_prominence)) {
            continue;
        }
        bool redundant = false;
        for (const Candidate& shorter : accepted) {
            const double ratio = static_cast<double>(lag) / static_cast<double>(shorter.lag);
            const bool near_multiple = std::abs(ratio - std::round(ratio)) < 0.05 * ratio;
            if (near_multiple && (std::round(ratio) < 1.5 ||
                                  strength(lag) <
                                      strength(shorter.lag) + options.min_gain_over_divisor)) {
                redundant = true;
            }
        }
        if (!redundant) {
            accepted.push_back(candidate);
        }
    }
    std::sort(accepted.begin(), accepted.end(), [&strength](const Candidate& a, const Candidate& b) {
        return strength(a.lag) > strength(b.lag);
    });
    for (const Candidate& candidate : accepted) {
        periods.push_back(candidate.steps);
    }
    return periods;
}

std::vector<double> fixed_periods(Eigen::Index n, std::int64_t step_seconds,
                                  const std::vector<std::int64_t>& seconds, double min_cycles)
{
    std::vector<double> periods;
    if (step_seconds <= 0) {
        return periods;
    }
    for (const std::int64_t duration : seconds) {
        const double steps =
            std::round(static_cast<double>(duration) / static_cast<double>(step_seconds));
        if (steps >= 2.0 && min_cycles * steps <= static_cast<double>(n) &&
            std::find(periods.begin(), periods.end(), steps) == periods.end()) {
            periods.push_back(steps);
        }
    }
    return periods;
}

} // namespace ihpa::model
