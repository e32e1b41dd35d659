#include "holt_winters_reference.hpp"
#include "model/holt_winters.hpp"
#include "model/nelder_mead.hpp"
#include "synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ihpa::model {
namespace {

using testing::daily_series;

ComponentInput input_for(const Series& s, Eigen::Index n_fit, const Eigen::VectorXd& weight)
{
    return ComponentInput{s.values, weight, n_fit, 12, s.step_seconds, {}};
}

TEST(NelderMead, FindsTheMinimumOfRosenbrock)
{
    const auto rosenbrock = [](const Eigen::VectorXd& x) {
        return 100.0 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1.0 - x[0], 2);
    };
    const auto best = nelder_mead(rosenbrock, Eigen::Vector2d(-1.2, 1.0),
                                  {.max_evaluations = 2000, .tolerance = 1e-14});
    EXPECT_NEAR(best.x[0], 1.0, 1e-3);
    EXPECT_NEAR(best.x[1], 1.0, 2e-3);
}

TEST(HoltWinters, RestrictedMappingKeepsTheConstraintsAndInverts)
{
    for (const double a : {-20.0, -1.0, 0.0, 2.0, 20.0}) {
        const SmoothingParams p = to_restricted(Eigen::Vector4d(a, -a, a / 2, 1 - a), 0.8, 0.98);
        EXPECT_GE(p.alpha, 0.0);
        EXPECT_LE(p.alpha, 1.0);
        EXPECT_LE(p.beta, p.alpha);
        EXPECT_LE(p.gamma, 1.0 - p.alpha);
        EXPECT_GE(p.phi, 0.8);
        EXPECT_LE(p.phi, 0.98);
    }
    const SmoothingParams p{0.3, 0.1, 0.2, 0.9};
    const SmoothingParams back = to_restricted(to_unrestricted(p, 0.8, 0.98), 0.8, 0.98);
    EXPECT_NEAR(back.alpha, 0.3, 1e-12);
    EXPECT_NEAR(back.beta, 0.1, 1e-12);
    EXPECT_NEAR(back.gamma, 0.2, 1e-12);
    EXPECT_NEAR(back.phi, 0.9, 1e-12);
}

TEST(HoltWinters, FittedSseMatchesThePlainReferenceLoop)
{
    // The fit's ring-buffer kernel against the plain loop with full state histories, at the
    // fitted parameters, with and without seasonality and with a masked stretch.
    const Series s = daily_series(200, 24, 3.0);
    Eigen::VectorXd weight = Eigen::VectorXd::Ones(200);
    weight.segment(100, 5).setZero();
    const auto hw = HoltWinters::create({.min_window = 1000, .huber_k = 0.0}).value();
    for (const Eigen::Index period : {Eigen::Index{0}, Eigen::Index{24}}) {
        const auto run = hw.run_with_period(input_for(s, 150, weight), period);
        ASSERT_TRUE(run.has_value());
        const Eigen::VectorXd& p = run->stats.parameters;
        const double reference = holt_winters_reference(s.values.head(150), weight.head(150), period,
                                   {p[0], p[1], p[2], p[3]}, 0.0, 1)
                .sse;
        EXPECT_NEAR(run->stats.sse, reference, 1e-9 * reference) << "period " << period;
    }
}

TEST(HoltWinters, ValidationForecastsUseNoLaterData)
{
    const Series s = daily_series(400, 24, 3.0);
    Series changed = s;
    changed.values.tail(50).array() += 500.0; // points 350.. differ
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(400);
    const auto hw = HoltWinters::create({}).value();
    const auto a = hw.run_with_period(input_for(s, 300, weight), 24);
    const auto b = hw.run_with_period(input_for(changed, 300, weight), 24);
    ASSERT_TRUE(a && b);
    // Row k is the origin 299 + k: rows up to origin 349 must be bit-identical.
    for (Eigen::Index k = 0; 299 + k <= 349; ++k) {
        EXPECT_EQ(a->validation.row(k), b->validation.row(k)) << "row " << k;
    }
    EXPECT_NE(a->validation.row(51), b->validation.row(51));
}

TEST(HoltWinters, TracksASeasonalSeriesAndRejectsBadSpecs)
{
    const Series s = daily_series(400, 24, 1.0);
    const auto run = HoltWinters::create({}).value().run_with_period(
        input_for(s, 300, Eigen::VectorXd::Ones(400)), 24);
    ASSERT_TRUE(run.has_value());
    const Eigen::VectorXd path = run->final_path->mean(24);
    for (Eigen::Index h = 1; h <= 24; ++h) {
        const double phase = 2.0 * std::numbers::pi * static_cast<double>(399 + h) / 24.0;
        EXPECT_NEAR(path[h - 1], 100.0 + 30.0 * std::sin(phase), 2.0) << "h=" << h;
    }
    EXPECT_FALSE(HoltWinters::create({.phi_min = 0.9, .phi_max = 0.8}).has_value());
    EXPECT_FALSE(HoltWinters::create({.huber_k = -1.0}).has_value());
    EXPECT_EQ(HoltWinters::create({})
                  .value()
                  .run_with_period(input_for(s, 40, Eigen::VectorXd::Ones(400)), 24)
                  .error()
                  .kind,
              ModelError::Kind::NotEnoughData);
}

TEST(HoltWinters, WarmUpBeforeTheWindowAveragesMoreCycles)
{
    // Heavy noise, period 96: seasonal states from a classical start on the 240-point window
    // (2.5 cycles) are noisy; smoothing in from 12 cycles earlier tracks the cycle more closely.
    const Series s = daily_series(1600, 96, 60.0);
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(1600);
    const ComponentInput input = input_for(s, 1500, weight);
    const auto error_of = [&](double warmup_cycles) {
        const auto run = HoltWinters::create({.warmup_cycles = warmup_cycles})
                             .value()
                             .run_with_period(input, 96);
        EXPECT_TRUE(run.has_value());
        const Eigen::VectorXd path = run->final_path->mean(96);
        double error = 0.0;
        for (Eigen::Index h = 1; h <= 96; ++h) {
            const double phase = 2.0 * std::numbers::pi * static_cast<double>(1599 + h) / 96.0;
            error += std::abs(path[h - 1] - 100.0 - 30.0 * std::sin(phase));
        }
        return error / 96.0;
    };
    EXPECT_LT(error_of(12.0), 0.8 * error_of(0.0));
    EXPECT_FALSE(HoltWinters::create({.warmup_cycles = -1.0}).has_value());
}

TEST(HoltWinters, NonSeasonalVariantIgnoresTheDetectedPeriods)
{
    const Series s = daily_series(400, 24, 1.0);
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(400);
    ComponentInput input = input_for(s, 300, weight);
    input.periods = {24.0};
    const auto seasonal = HoltWinters::create({}).value().run(input);
    const auto holt = HoltWinters::create({.seasonal = false}).value().run(input);
    ASSERT_TRUE(seasonal && holt);
    EXPECT_NE(seasonal->stats.description.find("period=24"), std::string::npos);
    EXPECT_NE(holt->stats.description.find("period=0"), std::string::npos);
}

} // namespace
} // namespace ihpa::model
