#pragma once

#include <Eigen/Core>

#include <cstdint>

namespace ihpa::model {

/// An additive effect of the time of day and of the day of the week (UTC), estimated from
/// residuals: what a usage model explains by the clock and not by its drivers (a nightly batch,
/// a weekly report). Each bucket's effect is the mean of its residuals shrunk towards 0 with
/// `shrinkage` pseudo-observations, so a bucket seen once or twice moves a third or half of the way.
class TimeProfile {
public:
    /// No effect at any time. `bucket_seconds` divides the day (clamped to [1 s, 1 day]).
    explicit TimeProfile(std::int64_t bucket_seconds = 900, double shrinkage = 2.0);

    /// Estimates both effects from `residuals[i]` at `times[i]` (unix seconds), the day of the
    /// week from what the time of day leaves. NaN residuals are skipped.
    void fit(const Eigen::VectorXd& residuals, const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>& times);

    /// The effect at time `t` (unix seconds).
    [[nodiscard]] double at(std::int64_t t) const;

    /// The largest absolute effect of a time-of-day bucket plus that of a day: how much the clock matters.
    [[nodiscard]] double amplitude() const;

private:
    [[nodiscard]] Eigen::Index bucket_of(std::int64_t t) const;
    [[nodiscard]] static Eigen::Index weekday_of(std::int64_t t);

    std::int64_t bucket_seconds_;
    double shrinkage_;
    Eigen::VectorXd time_of_day_;
    Eigen::VectorXd day_of_week_; ///< Monday first
};

} // namespace ihpa::model
