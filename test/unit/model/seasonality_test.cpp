#include "model/seasonality.hpp"
#include "synthetic.hpp"

#include <gtest/gtest.h>

namespace ihpa::model {
namespace {

using testing::daily_series;

TEST(Autocorrelation, MatchesAPlainLoop)
{
    const Series s = daily_series(300, 48, 10.0);
    const Eigen::VectorXd fast = autocorrelation(s.values, 100);
    // Reference: detrend by least squares, then sum_t x_t x_{t+l} / sum_t x_t^2.
    const Eigen::Index n = s.size();
    double st = 0, sy = 0, stt = 0, sty = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto t = static_cast<double>(i);
        st += t;
        sy += s.values[i];
        stt += t * t;
        sty += t * s.values[i];
    }
    const auto dn = static_cast<double>(n);
    const double slope = (sty - st * sy / dn) / (stt - st * st / dn);
    const double intercept = (sy - slope * st) / dn;
    Eigen::VectorXd x(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        x[i] = s.values[i] - intercept - slope * static_cast<double>(i);
    }
    for (Eigen::Index l = 0; l <= 100; ++l) {
        double num = 0.0;
        for (Eigen::Index t = 0; t + l < n; ++t) {
            num += x[t] * x[t + l];
        }
        EXPECT_NEAR(fast[l], num / x.squaredNorm(), 1e-10) << "lag " << l;
    }
}

TEST(DetectPeriods, FindsTheDailyCycleAtAnyStep)
{
    // 30-minute steps: 48 points a day; 5-minute steps: 288.
    EXPECT_EQ(detect_periods(daily_series(500, 48, 5.0).values, 1800, {}),
              std::vector<double>{48.0});
    EXPECT_EQ(detect_periods(daily_series(3000, 288, 5.0, 300).values, 300, {}),
              std::vector<double>{288.0});
}

TEST(DetectPeriods, SnapsAPeakNearACandidateToTheCandidateDuration)
{
    // A cycle of 286 five-minute steps peaks within 5 % of one day: the period is exactly a day.
    EXPECT_EQ(detect_periods(daily_series(3000, 286, 5.0, 300).values, 300, {}),
              std::vector<double>{288.0});
}

TEST(DetectPeriods, FindsAShortCycleInFourWeeksOfFiveMinuteSteps)
{
    // An hourly cycle (12 steps) in 8,064 points: no block averaging may blur it.
    EXPECT_EQ(detect_periods(daily_series(8064, 12, 5.0, 300).values, 300, {}),
              std::vector<double>{12.0});
}

TEST(DetectPeriods, FindsTheDailyCycleOnBlockMeansOfALongSeries)
{
    // 20,160 one-minute points are averaged in blocks of 3; a day is 480 blocks.
    EXPECT_EQ(detect_periods(daily_series(20160, 1440, 5.0, 60).values, 60, {}),
              std::vector<double>{1440.0});
}

TEST(DetectPeriods, PutsAWeeklyCycleBeforeTheDailyOneItContains)
{
    // Four weeks at 30-minute steps: a daily cycle whose weekend days run at 80 %. The ACF
    // estimate at lag 336 is shrunk by 1/4 (n − lag over n); unshrunk, the week is the stronger.
    Series s = daily_series(1344, 48, 5.0);
    for (Eigen::Index i = 0; i < s.size(); ++i) {
        if ((i / 48) % 7 >= 5) {
            s.values[i] *= 0.8;
        }
    }
    EXPECT_EQ(detect_periods(s.values, 1800, {}), (std::vector<double>{336.0, 48.0}));
}

TEST(DetectPeriods, NeedsTwoFullCycles)
{
    EXPECT_TRUE(detect_periods(daily_series(90, 48, 1.0).values, 1800, {}).empty());
    EXPECT_FALSE(detect_periods(daily_series(100, 48, 1.0).values, 1800, {}).empty());
}

TEST(DetectPeriods, FindsAnUnlistedPeriodFromTheAutocorrelation)
{
    const auto periods = detect_periods(daily_series(500, 20, 5.0).values, 1800, {});
    ASSERT_EQ(periods.size(), 1U);
    EXPECT_EQ(periods.front(), 20.0);
}

TEST(DetectPeriods, AcceptsNoPeriodInNoiseOrAConstant)
{
    Series s = daily_series(2000, 48, 0.0);
    testing::Noise noise(3);
    for (Eigen::Index i = 0; i < s.size(); ++i) {
        s.values[i] = noise.next();
    }
    EXPECT_TRUE(detect_periods(s.values, 1800, {}).empty());
    s.values.setConstant(4.0);
    EXPECT_TRUE(detect_periods(s.values, 1800, {}).empty());
    EXPECT_TRUE(detect_periods(s.values.head(2), 1800, {}).empty());
}

TEST(FixedPeriods, KeepsTheUsersPeriodsThatTheHistoryHoldsTwiceInOrder)
{
    // 30-minute steps: a week is 336 steps, a day 48, 100 minutes 3.33 -> 3.
    EXPECT_EQ(fixed_periods(700, 1800, {7 * 86400, 86400}, 2.0), (std::vector<double>{336, 48}));
    EXPECT_EQ(fixed_periods(600, 1800, {7 * 86400, 86400}, 2.0), std::vector<double>{48});
    EXPECT_EQ(fixed_periods(600, 1800, {6000}, 2.0), std::vector<double>{3});
    EXPECT_EQ(fixed_periods(600, 1800, {86400, 86401}, 2.0), std::vector<double>{48});
    EXPECT_TRUE(fixed_periods(600, 1800, {1800, 2000}, 2.0).empty()); // shorter than 2 steps
    EXPECT_TRUE(fixed_periods(600, 1800, {}, 2.0).empty());
    EXPECT_TRUE(fixed_periods(600, 0, {86400}, 2.0).empty());
}

} // namespace
} // namespace ihpa::model
