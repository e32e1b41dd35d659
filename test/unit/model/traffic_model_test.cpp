#include "model/elastic_net.hpp"
#include "model/time_profile.hpp"
#include "model/traffic_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

namespace ihpa::model {
namespace {

constexpr std::int64_t kStep = 300;
constexpr std::int64_t kStart = 1'700'000'000 - 1'700'000'000 % 86'400; // a midnight UTC

Series series_of(Eigen::VectorXd values)
{
    return {kStart, kStep, std::move(values)};
}

/// Two weeks at 5 minutes of a daily traffic cycle (or, `bursty`, of traffic that follows no clock:
/// a mean-reverting random walk), the replica count a reactive autoscaler would keep, and usage = pods × 0.1 + 0.002 × requests (+ 0.5 per pod from 02:00 to 03:00 when
/// `nightly`) + Gaussian noise of `noise` per pod.
struct Workload {
    Series usage;
    Series replicas;
    Series requests;
    Series unrelated;
};

Workload workload(bool nightly, double noise, bool bursty = false, unsigned seed = 7)
{
    constexpr Eigen::Index n = 14 * 288;
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, 1.0);
    Eigen::VectorXd usage(n), replicas(n), requests(n), unrelated(n);
    double walk = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double day = 2.0 * std::numbers::pi * static_cast<double>(i % 288) / 288.0;
        walk = 0.98 * walk + 150.0 * gauss(rng);
        requests[i] = bursty ? std::max(100.0, 2000.0 + walk) : 2000.0 + 1500.0 * std::sin(day) + 100.0 * gauss(rng);
        replicas[i] = std::ceil(requests[i] / 500.0);
        const std::int64_t hour = (i % 288) / 12;
        const double per_pod = 0.1 + (nightly && hour == 2 ? 0.5 : 0.0) + noise * gauss(rng);
        usage[i] = replicas[i] * per_pod + 0.002 * requests[i];
        unrelated[i] = 50.0 + 10.0 * gauss(rng);
    }
    return {series_of(usage), series_of(replicas), series_of(requests), series_of(unrelated)};
}

TEST(ElasticNet, RecoversTheCoefficientsOfANoiselessLinearModel)
{
    Eigen::MatrixXd x(200, 2);
    Eigen::VectorXd y(200);
    for (Eigen::Index i = 0; i < 200; ++i) {
        x(i, 0) = static_cast<double>(i % 17);
        x(i, 1) = std::sin(static_cast<double>(i));
        y[i] = 3.0 + 2.0 * x(i, 0) - 1.5 * x(i, 1);
    }
    const auto fit = fit_elastic_net(x, y);
    ASSERT_TRUE(fit) << fit.error().message;
    EXPECT_NEAR(fit->coefficients[0], 2.0, 1e-3);
    EXPECT_NEAR(fit->coefficients[1], -1.5, 1e-3);
    EXPECT_NEAR(fit->intercept, 3.0, 1e-2);
    EXPECT_NEAR(fit->predict(Eigen::Vector2d(4.0, 0.5)), 3.0 + 8.0 - 0.75, 1e-2);
}

TEST(ElasticNet, TheLassoDropsADriverThatExplainsNothingAndAConstantColumnIsZero)
{
    std::mt19937 rng(3);
    std::normal_distribution<double> gauss(0.0, 1.0);
    Eigen::MatrixXd x(400, 3);
    Eigen::VectorXd y(400);
    for (Eigen::Index i = 0; i < 400; ++i) {
        x(i, 0) = gauss(rng);
        x(i, 1) = gauss(rng); // noise, unrelated to y
        x(i, 2) = 5.0;        // constant
        y[i] = 4.0 * x(i, 0) + 2.0 * gauss(rng);
    }
    ElasticNetOptions lasso;
    lasso.l1_ratio = 1.0;
    const auto fit = fit_elastic_net(x, y, lasso);
    ASSERT_TRUE(fit) << fit.error().message;
    // The penalty the held-out rows chose shrinks the real effect a little, never past it.
    EXPECT_GT(fit->coefficients[0], 3.4);
    EXPECT_LT(fit->coefficients[0], 4.1);
    EXPECT_LT(std::abs(fit->coefficients[1]), 0.2);
    EXPECT_EQ(fit->coefficients[2], 0.0);
    EXPECT_GT(fit->validation_rows, 0);
}

TEST(ElasticNet, BadInputIsAnErrorThatSaysWhat)
{
    const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(5, 1);
    const Eigen::VectorXd y = Eigen::VectorXd::Ones(5);
    EXPECT_EQ(fit_elastic_net(x, y).error().kind, ModelError::Kind::NotEnoughData);
    EXPECT_EQ(fit_elastic_net(Eigen::MatrixXd::Ones(20, 1), Eigen::VectorXd::Ones(19)).error().kind,
              ModelError::Kind::InvalidSpec);
    ElasticNetOptions bad;
    bad.l1_ratio = 0.0;
    EXPECT_NE(fit_elastic_net(Eigen::MatrixXd::Ones(20, 1), Eigen::VectorXd::Ones(20), bad).error().message.find("l1Ratio"),
              std::string::npos);
    Eigen::VectorXd nan = Eigen::VectorXd::Ones(20);
    nan[3] = std::nan("");
    EXPECT_EQ(fit_elastic_net(Eigen::MatrixXd::Ones(20, 1), nan).error().kind, ModelError::Kind::InvalidSpec);
}

TEST(TimeProfile, LearnsAnHourOfTheDayAndAWeekdayAndShrinksRareBuckets)
{
    constexpr Eigen::Index n = 28 * 288;
    Eigen::VectorXd residuals(n);
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> times(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        times[i] = kStart + i * kStep;
        const bool two_am = (i % 288) / 12 == 2;
        residuals[i] = two_am ? 1.0 : 0.0;
    }
    TimeProfile profile(900, 5.0);
    profile.fit(residuals, times);
    // 28 days × 3 points per 15-minute bucket = 84 points at 1.0, shrunk by 5: 84 / 89. Each day
    // keeps what that leaves (12 points of 5/89), shrunk by a whole day of buckets (5 × 96).
    const double hour = 84.0 / 89.0;
    const double day = 4.0 * 12.0 * (5.0 / 89.0) / (4.0 * 288.0 + 480.0);
    EXPECT_NEAR(profile.at(kStart + 2 * 3600 + 600), hour + day, 1e-12);
    EXPECT_NEAR(profile.at(kStart + 12 * 3600), day, 1e-12);
    EXPECT_NEAR(profile.amplitude(), hour + day, 1e-12);
    // One residual in a bucket moves it by 1/(1+5) only.
    TimeProfile once(900, 5.0);
    once.fit(Eigen::VectorXd::Constant(1, 6.0), Eigen::Matrix<std::int64_t, 1, 1>(kStart));
    // Time of day: 6 / (1 + 5) = 1; the day keeps the other 5, shrunk by a whole day of buckets (5 × 96).
    EXPECT_NEAR(once.at(kStart), 1.0 + 5.0 / (1.0 + 480.0), 1e-12);
}

TEST(TrafficModel, RecoversWhatAPodCostsIdleAndPerRequest)
{
    const Workload w = workload(false, 0.01);
    const auto model = fit_traffic_model(w.usage, w.replicas, {w.requests});
    ASSERT_TRUE(model) << model.error().message;
    EXPECT_NEAR(model->regression().intercept, 0.1, 0.01);
    EXPECT_NEAR(model->regression().coefficients[0], 0.002, 1e-4);
    EXPECT_GT(model->quality().r2, 0.95);
    EXPECT_LT(model->quality().residual_mae, 0.02);
    EXPECT_NE(model->description().find("traffic(b0="), std::string::npos);
}

TEST(TrafficModel, TheClockExplainsTheNightlyJobThatTrafficDoesNot)
{
    const Workload w = workload(true, 0.01);
    const auto model = fit_traffic_model(w.usage, w.replicas, {w.requests, w.unrelated});
    ASSERT_TRUE(model) << model.error().message;
    // A pod at 02:30 uses its idle 0.1, 0.002 per request and the job's 0.5; at noon no job.
    const Eigen::Vector2d traffic(500.0, 8.0);
    EXPECT_NEAR(model->usage_per_pod(traffic, kStart + 2 * 3600 + 1800), 0.1 + 1.0 + 0.5, 0.05);
    EXPECT_NEAR(model->usage_per_pod(traffic, kStart + 12 * 3600), 0.1 + 1.0, 0.02);
    EXPECT_NEAR(model->regression().coefficients[0], 0.002, 2e-4);
    EXPECT_LT(std::abs(model->regression().coefficients[1]) * 8.0, 0.01); // unrelated: ~nothing per pod
    EXPECT_GT(model->quality().r2, 0.9);
    // Without the clock's effect the same data is explained much worse.
    TrafficModelOptions no_clock;
    no_clock.profile_shrinkage = 1e12;
    const auto plain = fit_traffic_model(w.usage, w.replicas, {w.requests}, no_clock);
    ASSERT_TRUE(plain);
    EXPECT_LT(plain->quality().r2, model->quality().r2 - 0.1);
}

TEST(TrafficModel, ADriverThatDoesNotExplainUsageIsAPoorFit)
{
    // Usage follows bursty traffic that no clock predicts: the right driver explains it, an
    // unrelated one does not (and the clock cannot stand in for the traffic).
    const Workload w = workload(false, 0.01, true);
    const auto right = fit_traffic_model(w.usage, w.replicas, {w.requests});
    ASSERT_TRUE(right) << right.error().message;
    EXPECT_GT(right->quality().r2, 0.9);
    const auto wrong = fit_traffic_model(w.usage, w.replicas, {w.unrelated});
    ASSERT_TRUE(wrong) << wrong.error().message;
    EXPECT_LT(wrong->quality().r2, 0.3);
}

TEST(TrafficModel, ForecastsTheWorkloadTotalFromTheDriversForecastWithACombinedBand)
{
    const Workload w = workload(false, 0.02);
    const auto model = fit_traffic_model(w.usage, w.replicas, {w.requests});
    ASSERT_TRUE(model);
    const Forecast traffic{Eigen::Vector2d(3000.0, 4000.0), Eigen::Vector2d(2800.0, 3500.0),
                           Eigen::Vector2d(3300.0, 4600.0)};
    const Forecast usage = model->forecast_usage({{traffic}, 6.0, 0.0, kStart + 12 * 3600, kStep, 2});
    const double b0 = model->regression().intercept;
    const double b = model->regression().coefficients[0];
    EXPECT_NEAR(usage.mean[0], 6.0 * (b0 + model->profile().at(kStart + 12 * 3600)) + b * 3000.0, 1e-9);
    EXPECT_NEAR(usage.mean[1], 6.0 * (b0 + model->profile().at(kStart + 12 * 3600 + kStep)) + b * 4000.0, 1e-9);
    for (Eigen::Index h = 0; h < 2; ++h) {
        EXPECT_LT(usage.lower[h], usage.mean[h]);
        EXPECT_GT(usage.upper[h], usage.mean[h]);
    }
    // The wider traffic band of horizon 2 gives the wider usage band, at least β times its upper distance.
    EXPECT_GT(usage.upper[1] - usage.mean[1], usage.upper[0] - usage.mean[0]);
    EXPECT_GE(usage.upper[1] - usage.mean[1], b * 600.0);
}

TEST(TrafficModel, ADisturbanceThatPersistsIsCarriedIntoTheNextStepsAndDecays)
{
    Workload w = workload(false, 0.0);
    std::mt19937 rng(11);
    std::normal_distribution<double> gauss(0.0, 0.05);
    double disturbance = 0.0;
    for (Eigen::Index i = 0; i < w.usage.size(); ++i) {
        disturbance = 0.8 * disturbance + gauss(rng); // per pod
        w.usage.values[i] += w.replicas.values[i] * disturbance;
    }
    const auto model = fit_traffic_model(w.usage, w.replicas, {w.requests});
    ASSERT_TRUE(model) << model.error().message;
    const double phi = model->residual_persistence();
    EXPECT_NEAR(phi, 0.8, 0.05);
    const Forecast traffic{Eigen::Vector3d::Constant(3000.0), Eigen::Vector3d::Constant(3000.0),
                           Eigen::Vector3d::Constant(3000.0)};
    const Forecast calm = model->forecast_usage({{traffic}, 6.0, 0.0, kStart, kStep, 3});
    const Forecast disturbed = model->forecast_usage({{traffic}, 6.0, 0.2, kStart, kStep, 3});
    for (Eigen::Index h = 0; h < 3; ++h) {
        EXPECT_NEAR(disturbed.mean[h] - calm.mean[h], 6.0 * 0.2 * std::pow(phi, static_cast<double>(h + 1)), 1e-9);
    }
    // The residual at a time is what the model does not explain there.
    const Eigen::VectorXd per_pod = Eigen::VectorXd::Constant(1, 500.0);
    EXPECT_NEAR(model->residual(model->usage_per_pod(per_pod, kStart) + 0.3, per_pod, kStart), 0.3, 1e-12);
}

TEST(TrafficModel, MisalignedOrMissingInputsAreErrors)
{
    const Workload w = workload(false, 0.01);
    EXPECT_EQ(fit_traffic_model(w.usage, w.replicas, {}).error().kind, ModelError::Kind::InvalidSpec);
    Series shifted = w.requests;
    shifted.start += kStep;
    EXPECT_NE(fit_traffic_model(w.usage, w.replicas, {shifted}).error().message.find("share start, step and length"),
              std::string::npos);
    // Rows with a gap or no pods are left out; too few complete rows is NotEnoughData.
    Series gappy = w.usage;
    gappy.values.head(gappy.size() - 30).setConstant(std::nan(""));
    EXPECT_EQ(fit_traffic_model(gappy, w.replicas, {w.requests}).error().kind, ModelError::Kind::NotEnoughData);
    Series no_pods = w.replicas;
    no_pods.values.setZero();
    EXPECT_EQ(fit_traffic_model(w.usage, no_pods, {w.requests}).error().kind, ModelError::Kind::NotEnoughData);
}

} // namespace
} // namespace ihpa::model
