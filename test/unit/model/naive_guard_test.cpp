// The guard of `auto` against losing to naive: the rule on validation errors, and the choice it
// makes on series built to have level shifts, spikes, trend breaks and no cycle.
#include "model/auto_ensemble.hpp"
#include "model/constant_path.hpp"
#include "model/naive.hpp"
#include "model/naive_guard.hpp"
#include "model/registry.hpp"
#include "model/seasonal_naive.hpp"
#include "synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ihpa::model {
namespace {

const std::vector<std::string> kNames{"naive", "localLevel", "holt"};
const std::vector<bool> kFallbacks{true, true, false};
const double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(NaiveGuardRule, EngagesWhenNoModelBeatsTheFallbackAtHalfTheHorizons)
{
    Eigen::MatrixXd mae(3, 4);
    mae << 1.0, 1.0, 1.0, 1.0, // naive
        1.2, 1.2, 1.2, 1.2,    // localLevel
        0.9, 1.1, 1.1, 1.1;    // holt beats naive at one horizon of four
    const GuardDecision decision = naive_guard(mae, kFallbacks, kNames, 0.0);
    EXPECT_TRUE(decision.engaged);
    EXPECT_EQ(decision.fallback, 0);
    EXPECT_EQ(decision.beaten, 1);
    EXPECT_EQ(decision.description, "guard(fallback=naive: no model beats it at 3 of 4 horizons)");
}

TEST(NaiveGuardRule, StaysOutWhenAModelBeatsTheFallbackAtHalfTheHorizons)
{
    Eigen::MatrixXd mae(3, 4);
    mae << 1.0, 1.0, 1.0, 1.0, 1.2, 1.2, 1.2, 1.2, 0.9, 0.9, 1.1, 1.1;
    const GuardDecision decision = naive_guard(mae, kFallbacks, kNames, 0.0);
    EXPECT_FALSE(decision.engaged);
    EXPECT_EQ(decision.beaten, 2);
    EXPECT_TRUE(decision.description.empty());
}

TEST(NaiveGuardRule, TheReferenceIsTheBetterFallbackAndTheMarginRaisesTheBar)
{
    Eigen::MatrixXd mae(3, 2);
    mae << 2.0, 2.0, // naive
        1.0, 1.0,    // localLevel: the reference
        0.96, 0.96;  // holt: 4 % better than the reference
    EXPECT_FALSE(naive_guard(mae, kFallbacks, kNames, 0.0).engaged);
    const GuardDecision strict = naive_guard(mae, kFallbacks, kNames, 0.05);
    EXPECT_TRUE(strict.engaged);
    EXPECT_EQ(strict.fallback, 1);
    EXPECT_NE(strict.description.find("fallback=localLevel"), std::string::npos);
}

TEST(NaiveGuardRule, IgnoresCandidatesWithoutForecastsAndNeedsAFallback)
{
    Eigen::MatrixXd mae(3, 2);
    mae << 1.0, 1.0, kNan, kNan, kNan, kNan;
    const GuardDecision alone = naive_guard(mae, kFallbacks, kNames, 0.0);
    EXPECT_TRUE(alone.engaged);
    EXPECT_EQ(alone.fallback, 0);
    const GuardDecision none = naive_guard(mae, {false, false, false}, kNames, 0.0);
    EXPECT_FALSE(none.engaged);
}

/// `auto`'s description of its fit on `s`, and its forecast `steps` ahead.
struct AutoFit {
    std::string description;
    Forecast forecast;
};

AutoFit fit_auto(const Series& s, Eigen::Index steps = 12)
{
    const auto fit = make_forecaster("auto").value()->fit(s).value();
    return {fit->stats().description, fit->forecast(steps)};
}

/// A series on the five-minute grid with `n` points from `value(i, noise)`.
template <class F> Series series_of(Eigen::Index n, std::uint64_t seed, F value)
{
    Series s;
    s.start = 1'700'000'000;
    s.step_seconds = 300;
    s.values.resize(n);
    testing::Noise noise(seed);
    for (Eigen::Index i = 0; i < n; ++i) {
        s.values[i] = value(i, noise);
    }
    return s;
}

/// The last value plus `offset`, from every origin: a model that never beats naive.
class Offset final : public Component {
public:
    explicit Offset(double offset) : offset_(offset) {}
    std::expected<ComponentRun, ModelError> run(const ComponentInput& input) const override
    {
        ComponentRun out;
        out.validation.resize(input.y.size() - input.n_fit, input.horizons);
        for (Eigen::Index k = 0; k < out.validation.rows(); ++k) {
            out.validation.row(k).setConstant(input.y[input.n_fit - 1 + k] + offset_);
        }
        out.final_path = std::make_shared<const ConstantPath>(input.y[input.y.size() - 1] + offset_);
        out.stats.description = "offset";
        return out;
    }

private:
    double offset_;
};

/// `auto` over naive (the fallback) and one other candidate.
std::unique_ptr<AutoEnsemble> naive_and(std::shared_ptr<const Component> other)
{
    std::vector<AutoCandidate> candidates{{"naive", std::make_shared<const Naive>(), true},
                                          {"other", std::move(other), false}};
    return AutoEnsemble::create(std::move(candidates), AutoParams{}, FitOptions{}).value();
}

TEST(NaiveGuard, ForecastsWithTheFallbackAloneAndItsOwnBandWhenNothingBeatsIt)
{
    const Series s = testing::random_walk(900, 3);
    const auto guarded = naive_and(std::make_shared<const Offset>(5.0))->fit(s).value();
    const auto naive = make_forecaster("naive").value()->fit(s).value();
    const std::string& description = guarded->stats().description;
    EXPECT_EQ(description.rfind("auto(guard(fallback=naive: no model beats it at ", 0), 0U)
        << description;
    EXPECT_TRUE(description.ends_with("horizons); naive w1=1 wH=1)")) << description;
    const Forecast g = guarded->forecast(12);
    const Forecast n = naive->forecast(12);
    for (Eigen::Index h = 0; h < 12; ++h) {
        EXPECT_DOUBLE_EQ(g.mean[h], s.values[899]);
        EXPECT_DOUBLE_EQ(g.upper[h], n.upper[h]) << "the band is the last value's own";
        EXPECT_DOUBLE_EQ(g.lower[h], n.lower[h]);
    }
}

TEST(NaiveGuard, StaysOutWhenAModelBeatsTheFallback)
{
    // A clean cycle: seasonal naive beats the last value at every horizon.
    const Series s = testing::daily_series(900, 48, 1.0);
    SeasonalNaiveParams params;
    const auto fit =
        naive_and(std::make_shared<const SeasonalNaive>(SeasonalNaive::create(params).value()))
            ->fit(s)
            .value();
    EXPECT_EQ(fit->stats().description.find("guard("), std::string::npos)
        << fit->stats().description;
    EXPECT_NE(fit->stats().description.find("seasonalNaive("), std::string::npos);
}

TEST(NaiveGuard, RandomWalksWithLevelShiftsAndNoCycleStayAtTheLastValue)
{
    // Nothing beats the last value on a random walk in expectation; on a 12-hour window one of
    // the models does by luck at half the horizons about as often as not, so the guard takes
    // some of these and the combination, mostly naive-like, the others.
    int guarded = 0;
    for (std::uint64_t seed = 1; seed <= 16; ++seed) {
        double level = 100.0;
        testing::Noise shifts(seed + 100);
        const Series s = series_of(4032, seed, [&](Eigen::Index, testing::Noise& noise) {
            level += 2.0 * noise.next(); // steps of standard deviation 0.58
            const double u = shifts.next();
            if (std::abs(u) > 0.499) { // at random, about every 500 steps: no cycle in them
                level *= u > 0.0 ? 1.4 : 0.7;
            }
            return level;
        });
        const AutoFit fit = fit_auto(s);
        const double last = s.values[s.size() - 1];
        if (fit.description.find("guard(fallback=naive") != std::string::npos) {
            ++guarded;
            EXPECT_DOUBLE_EQ(fit.forecast.mean[11], last) << "seed " << seed;
        }
        EXPECT_NEAR(fit.forecast.mean[0], last, 1.0) << "seed " << seed << ": " << fit.description;
        EXPECT_NEAR(fit.forecast.mean[11], last, 3.0) << "seed " << seed << ": " << fit.description;
    }
    EXPECT_GE(guarded, 5) << "of 16 random walks";
}

TEST(NaiveGuard, AFlatLevelWithSpikesKeepsAModelOfTheLevel)
{
    const Eigen::Index n = 4032;
    testing::Noise spikes(31);
    const Series s = series_of(n, 12, [&](Eigen::Index i, testing::Noise& noise) {
        const bool spike = std::abs(spikes.next()) > 0.495 && i < n - 3; // 1 %, none at the end
        return (spike ? 200.0 : 50.0) + 2.0 * noise.next();
    });
    const AutoFit fit = fit_auto(s);
    // The last value repeats every spike for twelve steps; a model of the level does not.
    EXPECT_EQ(fit.description.find("guard(fallback=naive"), std::string::npos) << fit.description;
    EXPECT_NEAR(fit.forecast.mean[0], 50.0, 3.0) << fit.description;
    EXPECT_NEAR(fit.forecast.mean[11], 50.0, 3.0) << fit.description;
    // Known limit: when the last point itself is a spike (200), the combination follows it a
    // third of the way (about 88); the guard does not engage there, as models beat naive.
}

TEST(NaiveGuard, ATrendBreakKeepsAModelThatFollowsTheNewSlope)
{
    const Eigen::Index n = 4032;
    const Eigen::Index pivot = n - 300; // the slope turns from +0.05 to -0.2 a day before the end
    const Series s = series_of(n, 13, [&](Eigen::Index i, testing::Noise& noise) {
        const double t = static_cast<double>(i);
        const double trend = i < pivot ? 100.0 + 0.05 * t
                                       : 100.0 + 0.05 * static_cast<double>(pivot) -
                                             0.2 * static_cast<double>(i - pivot);
        return trend + 0.5 * noise.next();
    });
    const AutoFit fit = fit_auto(s);
    EXPECT_EQ(fit.description.find("guard("), std::string::npos) << fit.description;
    // Twelve steps on, the new slope has taken 2.4 off the last value; naive would miss it all.
    const double last = s.values[n - 1];
    EXPECT_LT(fit.forecast.mean[11], last - 1.2) << fit.description;
}

TEST(NaiveGuard, ACleanDailyCycleKeepsTheCombination)
{
    const Series s = testing::daily_series(900, 48, 1.0);
    const AutoFit fit = fit_auto(s);
    EXPECT_EQ(fit.description.find("guard("), std::string::npos) << fit.description;
}

TEST(NaiveGuard, WhiteNoiseKeepsAModelOfItsMean)
{
    const Series s = series_of(4032, 14, [](Eigen::Index, testing::Noise& noise) {
        return 100.0 + 20.0 * noise.next();
    });
    const AutoFit fit = fit_auto(s);
    // The mean beats the last value by far (its error is the noise, naive's is twice as wide).
    EXPECT_EQ(fit.description.find("guard(fallback=naive"), std::string::npos) << fit.description;
    EXPECT_NEAR(fit.forecast.mean[0], 100.0, 4.0) << fit.description;
}

} // namespace
} // namespace ihpa::model
