#include "simulate/metrics.hpp"
#include "simulate/simulation.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ihpa::simulate {
namespace {

/// Samples every 60 s from t=0.
model::Series series_of(const std::vector<double>& values, std::int64_t step = 60)
{
    model::Series s;
    s.start = 0;
    s.step_seconds = step;
    s.values = Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
    return s;
}

SimulationSettings small_settings()
{
    SimulationSettings settings;
    settings.per_pod_capacity = 1.0;
    settings.sync_seconds = 15;
    settings.pod_startup_seconds = 30;
    settings.hpa = HpaSpec{1, 100, default_behavior(), {}};
    return settings;
}

/// A hand-made forecast: `value` from `from` on, 0 before.
class StepForecast final : public ForecastSource {
public:
    StepForecast(std::int64_t from, double value) : from_(from), value_(value) {}
    ForecastReading read(std::int64_t now) override
    {
        const double v = now >= from_ ? value_ : 0.0;
        return {v, v, v};
    }

private:
    std::int64_t from_;
    double value_;
};

// Load 2 until t=60, a ramp to 10 at t=120, then 10; pods need 30 s to start.
// Hand-computed (demand at each interval's midpoint, ready at the midpoint):
//   t    observed  demand  replicas  ready  shortfall
//   0..45    2       2        2        2       0
//   60       2       3        2        2       1
//   75       2       5        2        2       3
//   90       2       7        2        2       5
//   105      2       9        2        2       7
//   120     10      10        6        2       8    (limit max(2+4, 2*2) = 6)
//   135     10      10       10        2       8    (limit max(6+4, 12) >= 10)
//   150     10      10       10        6       4    (pods of t=120 ready at 150)
//   165..225 10     10       10       10       0
TEST(SimulateSide, ReactiveMatchesTheHandComputedTable)
{
    const auto ticks = simulate_side(series_of({2, 2, 10, 10, 10}), small_settings(), nullptr);
    ASSERT_EQ(ticks.size(), 16U);
    const std::vector<int> replicas{2, 2, 2, 2, 2, 2, 2, 2, 6, 10, 10, 10, 10, 10, 10, 10};
    const std::vector<int> ready{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 6, 10, 10, 10, 10, 10};
    const std::vector<double> demand{2, 2, 2, 2, 3, 5, 7, 9, 10, 10, 10, 10, 10, 10, 10, 10};
    for (std::size_t i = 0; i < ticks.size(); ++i) {
        SCOPED_TRACE("tick " + std::to_string(i));
        EXPECT_EQ(ticks[i].time, static_cast<std::int64_t>(i) * 15);
        EXPECT_EQ(ticks[i].replicas, replicas[i]);
        EXPECT_EQ(ticks[i].ready, ready[i]);
        EXPECT_NEAR(ticks[i].demand, demand[i], 1e-12);
        EXPECT_TRUE(std::isnan(ticks[i].forecast.value));
    }
    const SideMetrics m = measure(ticks, 1.0, 15);
    EXPECT_NEAR(m.under_provisioned_pod_minutes, (1 + 3 + 5 + 7 + 8 + 8 + 4) * 0.25, 1e-12);
    EXPECT_NEAR(m.under_provisioned_minutes, 7 * 0.25, 1e-12);
    EXPECT_NEAR(m.replica_hours, (8 * 2 + 6 + 7 * 10) * 15.0 / 3600.0, 1e-12);
    EXPECT_EQ(m.peak_replicas, 10);
    EXPECT_EQ(m.scale_events, 2);
}

// The forecast asks for 10 from t=60: 6 pods at t=60 (ready at 90), 10 at t=75 (ready at 105).
//   t=60 shortfall 3-2 = 1, t=75 5-2 = 3, t=90 7-6 = 1, then none.
TEST(SimulateSide, PredictiveTakesTheMaxOfMetricAndForecast)
{
    StepForecast forecast(60, 10.0);
    const auto ticks = simulate_side(series_of({2, 2, 10, 10, 10}), small_settings(), &forecast);
    EXPECT_EQ(ticks[4].replicas, 6);
    EXPECT_EQ(ticks[5].replicas, 10);
    EXPECT_DOUBLE_EQ(ticks[4].forecast.value, 10.0);
    const SideMetrics m = measure(ticks, 1.0, 15);
    EXPECT_NEAR(m.under_provisioned_pod_minutes, (1 + 3 + 1) * 0.25, 1e-12);
    EXPECT_EQ(m.scale_events, 2);
}

TEST(SimulateSide, ForecastBelowTheMetricChangesNothing)
{
    StepForecast forecast(0, 0.0);
    const auto series = series_of({2, 2, 10, 10, 10});
    const auto reactive = measure(simulate_side(series, small_settings(), nullptr), 1.0, 15);
    const auto predictive = measure(simulate_side(series, small_settings(), &forecast), 1.0, 15);
    EXPECT_DOUBLE_EQ(predictive.under_provisioned_pod_minutes, reactive.under_provisioned_pod_minutes);
    EXPECT_DOUBLE_EQ(predictive.replica_hours, reactive.replica_hours);
}

TEST(PercentChange, IsRelativeToTheBaseline)
{
    EXPECT_DOUBLE_EQ(percent_change(40.0, 100.0), -60.0);
    EXPECT_DOUBLE_EQ(percent_change(0.0, 0.0), 0.0);
    EXPECT_TRUE(std::isinf(percent_change(1.0, 0.0)));
}

} // namespace
} // namespace ihpa::simulate
