#include "simulate/comparison.hpp"
#include "simulate/oracle_feed.hpp"

#include "backtest/trace_csv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace ihpa::simulate {
namespace {

model::Series fixture_trace()
{
    const auto trace =
        backtest::read_trace_csv(std::string(IHPA_SOURCE_DIR) + "/test/fixtures/simulate/daily_ramp.csv");
    EXPECT_TRUE(trace) << trace.error().message;
    return trace->series;
}

/// Synthetic traces with ramps, spikes and plateaus: 5-minute steps over 2 days.
std::vector<model::Series> synthetic_traces()
{
    std::vector<model::Series> out;
    for (int kind = 0; kind < 3; ++kind) {
        model::Series s;
        s.start = 0;
        s.step_seconds = 300;
        s.values.resize(576);
        for (Eigen::Index i = 0; i < s.values.size(); ++i) {
            const double x = static_cast<double>(i);
            switch (kind) {
            case 0: // smooth daily sine
                s.values[i] = 60.0 + 50.0 * std::sin(x * 2.0 * std::numbers::pi / 288.0);
                break;
            case 1: // square wave: 30 minutes on, 90 minutes off
                s.values[i] = (i % 24) < 6 ? 120.0 : 15.0;
                break;
            default: // isolated spikes on a noisy base
                s.values[i] = 30.0 + 5.0 * std::sin(x * 1.3) + ((i % 37) == 0 ? 150.0 : 0.0);
                break;
            }
        }
        out.push_back(s);
    }
    return out;
}

SimulationSettings settings_for(double capacity, double tolerance)
{
    SimulationSettings s;
    s.per_pod_capacity = capacity;
    s.sync_seconds = 15;
    s.pod_startup_seconds = 180;
    s.hpa = HpaSpec{1, 1000, default_behavior(), {}};
    s.hpa.behavior.scale_up.tolerance = tolerance;
    s.hpa.behavior.scale_down.tolerance = tolerance;
    return s;
}

/// Lead 5 minutes under `rule`, band yhat.
model::TimeShift shift(model::ShiftRule rule)
{
    return model::TimeShift{300, rule, model::ShiftBand::Yhat, std::nullopt};
}

/// A forecast source that reads nothing: the predictive side equals the reactive one.
class ZeroForecast final : public ForecastSource {
public:
    ForecastReading read(std::int64_t /*now*/) override { return {}; }
};

// Without tolerance the oracle side dominates: its proposals are max(metric, forecast) >= the
// reactive ones; clamping into the stabilisation limits and the policies' limits (from the
// current replicas) are monotone, so by induction it never has fewer replicas; with LIFO
// removal the ready pods at t are the min of the replicas over [t - startup, t], also monotone.
TEST(Comparison, AnOracleForecastIsNeverWorseThanReactive)
{
    std::vector<model::Series> traces = synthetic_traces();
    traces.push_back(fixture_trace());
    for (std::size_t k = 0; k < traces.size(); ++k) {
        for (const model::ShiftRule rule : {model::ShiftRule::WindowMax, model::ShiftRule::Point}) {
            SCOPED_TRACE("trace " + std::to_string(k) + " rule " + std::to_string(static_cast<int>(rule)));
            ZeroForecast none;
            OracleFeed oracle(traces[k], shift(rule));
            const Comparison c = run_comparison(traces[k], settings_for(6.0, 0.0), none, oracle);
            EXPECT_GT(c.reactive.metrics.under_provisioned_pod_minutes, 0.0);
            EXPECT_LE(c.oracle.metrics.under_provisioned_pod_minutes,
                      c.reactive.metrics.under_provisioned_pod_minutes);
            EXPECT_LE(c.oracle.metrics.under_provisioned_minutes, c.reactive.metrics.under_provisioned_minutes);
            for (std::size_t i = 0; i < c.oracle.ticks.size(); ++i) {
                ASSERT_GE(c.oracle.ticks[i].ready, c.reactive.ticks[i].ready) << "tick " << i;
            }
        }
    }
}

TEST(Comparison, WindowMaxOracleWithLeadCoveringStartupRemovesMostShortfall)
{
    const model::Series trace = fixture_trace();
    ZeroForecast none;
    OracleFeed oracle(trace, shift(model::ShiftRule::WindowMax));
    const Comparison c = run_comparison(trace, settings_for(6.0, 0.0), none, oracle);
    EXPECT_LT(c.oracle.metrics.under_provisioned_pod_minutes,
              0.2 * c.reactive.metrics.under_provisioned_pod_minutes);
    EXPECT_DOUBLE_EQ(c.predictive.metrics.under_provisioned_pod_minutes,
                     c.reactive.metrics.under_provisioned_pod_minutes);
}

// With the default 10 % tolerance the dominance does not hold: a scale-up made early, on the
// forecast, lands on fewer replicas than a late one, and the load then stays within 10 % of
// that count, so the HPA keeps it. The fixture's plateau (16.2-17.2 pods of load) shows it:
// the oracle holds 16 pods, the reactive side happened to reach 17.
TEST(Comparison, ToleranceCanAnchorAnEarlyScaleUpBelowTheNeed)
{
    const model::Series trace = fixture_trace();
    ZeroForecast none;
    OracleFeed oracle(trace, shift(model::ShiftRule::WindowMax));
    const Comparison c = run_comparison(trace, settings_for(6.0, 0.1), none, oracle);
    const std::size_t nine_am = 9 * 240;
    EXPECT_EQ(c.oracle.ticks[nine_am].replicas, 16);
    EXPECT_EQ(c.reactive.ticks[nine_am].replicas, 17);
    EXPECT_GT(c.oracle.ticks[nine_am].demand / 6.0, 16.0);
}

TEST(Comparison, IsDeterministic)
{
    const model::Series trace = fixture_trace();
    const auto run = [&] {
        OracleFeed predictive(trace, shift(model::ShiftRule::Point));
        OracleFeed oracle(trace, shift(model::ShiftRule::WindowMax));
        return run_comparison(trace, settings_for(6.0, 0.1), predictive, oracle);
    };
    const Comparison a = run();
    const Comparison b = run();
    ASSERT_EQ(a.predictive.ticks.size(), b.predictive.ticks.size());
    for (std::size_t i = 0; i < a.predictive.ticks.size(); ++i) {
        ASSERT_EQ(a.predictive.ticks[i].replicas, b.predictive.ticks[i].replicas) << i;
        ASSERT_EQ(a.oracle.ticks[i].ready, b.oracle.ticks[i].ready) << i;
    }
    EXPECT_EQ(a.predictive.metrics.under_provisioned_pod_minutes, b.predictive.metrics.under_provisioned_pod_minutes);
    EXPECT_EQ(a.oracle.metrics.replica_hours, b.oracle.metrics.replica_hours);
}

} // namespace
} // namespace ihpa::simulate
