#include "backtest/forecast_csv.hpp"
#include "backtest/runner.hpp"
#include "model/registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace ihpa::backtest {
namespace {

/// A forecaster whose forecast reveals the history it was fitted on: yhat is the number of
/// points, lower their sum, upper the sum + 1. On histories of `failing_length` points it fails
/// in the way chosen.
class HistoryProbe final : public model::Forecaster {
public:
    enum class Failure { None, Error, Throw, NonFinite, Inverted };

    HistoryProbe() = default;
    HistoryProbe(Eigen::Index failing_length, Failure failure)
        : failing_length_(failing_length), failure_(failure)
    {
    }

    std::expected<std::shared_ptr<const model::FittedModel>, model::ModelError>
    fit(const model::Series& series) const override
    {
        const Failure failure = series.size() == failing_length_ ? failure_ : Failure::None;
        if (failure == Failure::Error) {
            return std::unexpected(
                model::ModelError{model::ModelError::Kind::NumericalFailure, "probe: diverged"});
        }
        if (failure == Failure::Throw) {
            throw std::runtime_error("probe: thrown");
        }
        return std::make_shared<const Fit>(static_cast<double>(series.size()),
                                           series.values.sum(), failure);
    }

private:
    class Fit final : public model::FittedModel {
    public:
        Fit(double length, double sum, Failure failure)
            : length_(length), sum_(sum), failure_(failure)
        {
        }

        model::Forecast forecast(Eigen::Index steps) const override
        {
            const double yhat = failure_ == Failure::NonFinite ? std::nan("") : length_;
            const double lower = failure_ == Failure::Inverted ? sum_ + 2.0 : sum_;
            return {Eigen::VectorXd::Constant(steps, yhat), Eigen::VectorXd::Constant(steps, lower),
                    Eigen::VectorXd::Constant(steps, sum_ + 1.0)};
        }

        const model::FitStats& stats() const override { return stats_; }

    private:
        double length_;
        double sum_;
        Failure failure_;
        model::FitStats stats_;
    };

    Eigen::Index failing_length_ = -1;
    Failure failure_ = Failure::None;
};

Trace make_trace(std::string name, Eigen::Index n, double phase)
{
    Trace trace;
    trace.name = std::move(name);
    trace.series.start = 1'700'000'000;
    trace.series.step_seconds = 300;
    trace.series.values.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        trace.series.values[i] = 50.0 + 20.0 * std::sin(phase + 0.26 * static_cast<double>(i));
    }
    return trace;
}

std::vector<Trace> some_traces()
{
    return {make_trace("a", 400, 0.0), make_trace("b", 1000, 1.0), make_trace("c", 60, 2.0)};
}

TEST(RunForecasts, FitsEachOriginOnPointsUpToTheOriginOnly)
{
    const auto traces = some_traces();
    const auto runs = run_forecasts(HistoryProbe{}, traces, RunOptions{2, 1});
    ASSERT_EQ(runs.size(), traces.size());
    for (std::size_t t = 0; t < traces.size(); ++t) {
        SCOPED_TRACE(traces[t].name);
        ASSERT_TRUE(runs[t]) << runs[t].error().message;
        const auto& forecasts = runs[t]->forecasts;
        EXPECT_EQ(forecasts.origins, plan_origins(traces[t].series.size()).origins);
        EXPECT_EQ(runs[t]->timing.origins, static_cast<Eigen::Index>(forecasts.origins.size()));
        for (std::size_t k = 0; k < forecasts.origins.size(); ++k) {
            const Eigen::Index o = forecasts.origins[k];
            const double sum = traces[t].series.values.head(o + 1).sum();
            for (const auto& point : forecasts.points[k]) {
                EXPECT_EQ(point.yhat, static_cast<double>(o + 1));
                EXPECT_EQ(point.lower, sum);
            }
        }
    }
}

TEST(RunForecasts, GivesTheSameForecastsWhateverTheNumberOfJobs)
{
    const auto traces = some_traces();
    const auto forecaster = model::make_forecaster("naive");
    ASSERT_TRUE(forecaster);
    const auto reference = run_forecasts(**forecaster, traces, RunOptions{1, 1});
    for (const unsigned jobs : {2U, 3U, 8U}) {
        SCOPED_TRACE(jobs);
        const auto runs = run_forecasts(**forecaster, traces, RunOptions{jobs, 1});
        ASSERT_EQ(runs.size(), reference.size());
        for (std::size_t t = 0; t < runs.size(); ++t) {
            ASSERT_TRUE(runs[t] && reference[t]);
            EXPECT_EQ(format_forecast_csv(runs[t]->forecasts),
                      format_forecast_csv(reference[t]->forecasts));
        }
    }
}

TEST(RunForecasts, EveryThinsTheOrigins)
{
    const auto runs = run_forecasts(HistoryProbe{}, some_traces(), RunOptions{1, 3});
    ASSERT_TRUE(runs[1]);
    EXPECT_EQ(runs[1]->forecasts.origins, plan_origins(1000, 3).origins);
}

TEST(RunForecasts, AFailingModelFailsOnlyItsTraceNamingTheFirstBadOrigin)
{
    struct Case {
        HistoryProbe::Failure failure;
        std::string message;
    };
    // Trace "b" (1000 points) has origins 799, 800, …: the probe fails on 801 points, origin
    // 800. The histories of "a" (400 points) and "c" (60) are all shorter.
    const Case cases[] = {
        {HistoryProbe::Failure::Error, "trace b, origin 800: probe: diverged"},
        {HistoryProbe::Failure::Throw, "trace b, origin 800: the model threw: probe: thrown"},
        {HistoryProbe::Failure::NonFinite,
         "trace b, origin 800: horizon 1: the model returned a non-finite forecast"},
        {HistoryProbe::Failure::Inverted,
         "trace b, origin 800: horizon 1: the model returned lower > upper"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.message);
        const auto runs =
            run_forecasts(HistoryProbe{801, c.failure}, some_traces(), RunOptions{2, 1});
        ASSERT_EQ(runs.size(), 3U);
        EXPECT_TRUE(runs[0]);
        ASSERT_FALSE(runs[1]);
        EXPECT_EQ(runs[1].error().message, c.message);
        EXPECT_TRUE(runs[2]);
    }
}

} // namespace
} // namespace ihpa::backtest
