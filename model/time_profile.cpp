#include "model/time_profile.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::model {
namespace {

constexpr std::int64_t kDay = 86'400;

/// Floor division and modulo for times before 1970 too.
std::int64_t floor_mod(std::int64_t a, std::int64_t b)
{
    const std::int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/// Shrunk bucket means: Σ / (n + shrinkage).
Eigen::VectorXd shrunk_means(const Eigen::VectorXd& sum, const Eigen::VectorXd& count, double shrinkage)
{
    return sum.array() / (count.array() + shrinkage);
}

} // namespace

TimeProfile::TimeProfile(std::int64_t bucket_seconds, double shrinkage)
    : bucket_seconds_(std::clamp<std::int64_t>(bucket_seconds, 1, kDay)), shrinkage_(std::max(0.0, shrinkage)),
      time_of_day_(Eigen::VectorXd::Zero((kDay + bucket_seconds_ - 1) / bucket_seconds_)),
      day_of_week_(Eigen::VectorXd::Zero(7))
{
}

Eigen::Index TimeProfile::bucket_of(std::int64_t t) const
{
    return static_cast<Eigen::Index>(floor_mod(t, kDay) / bucket_seconds_);
}

Eigen::Index TimeProfile::weekday_of(std::int64_t t)
{
    // 1970-01-01 was a Thursday: day 0 is index 3 when Monday is 0.
    const std::int64_t day = (t - floor_mod(t, kDay)) / kDay;
    return static_cast<Eigen::Index>(floor_mod(day + 3, 7));
}

void TimeProfile::fit(const Eigen::VectorXd& residuals, const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>& times)
{
    const Eigen::Index buckets = time_of_day_.size();
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(buckets);
    Eigen::VectorXd count = Eigen::VectorXd::Zero(buckets);
    for (Eigen::Index i = 0; i < residuals.size(); ++i) {
        if (std::isfinite(residuals[i])) {
            sum[bucket_of(times[i])] += residuals[i];
            count[bucket_of(times[i])] += 1.0;
        }
    }
    time_of_day_ = shrunk_means(sum, count, shrinkage_);
    Eigen::VectorXd day_sum = Eigen::VectorXd::Zero(7);
    Eigen::VectorXd day_count = Eigen::VectorXd::Zero(7);
    for (Eigen::Index i = 0; i < residuals.size(); ++i) {
        if (std::isfinite(residuals[i])) {
            day_sum[weekday_of(times[i])] += residuals[i] - time_of_day_[bucket_of(times[i])];
            day_count[weekday_of(times[i])] += 1.0;
        }
    }
    // A day's effect needs many points to stand out: its shrinkage is that of a whole day of buckets.
    day_of_week_ = shrunk_means(day_sum, day_count, shrinkage_ * static_cast<double>(buckets));
}

double TimeProfile::at(std::int64_t t) const
{
    return time_of_day_[bucket_of(t)] + day_of_week_[weekday_of(t)];
}

double TimeProfile::amplitude() const
{
    return time_of_day_.cwiseAbs().maxCoeff() + day_of_week_.cwiseAbs().maxCoeff();
}

} // namespace ihpa::model
