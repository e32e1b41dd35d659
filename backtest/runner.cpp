#include "backtest/runner.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <optional>
#include <thread>

namespace ihpa::backtest {
namespace {

/// One unit of work: forecasting one trace at one origin.
struct Task {
    std::size_t trace = 0;
    std::size_t origin = 0; ///< index into the trace's origins
};

/// What one task produced: the forecasts, or the reason there are none.
struct TaskResult {
    std::array<ForecastPoint, kHorizons.size()> points{};
    double seconds = 0.0;
    std::string model; ///< the fitted model's description
    std::optional<std::string> error;
};

/// Checks the forecast the model returned for `horizon` steps and converts it; the error text
/// says what is wrong with it.
std::expected<ForecastPoint, std::string> take_point(const model::Forecast& forecast,
                                                     Eigen::Index horizon)
{
    const Eigen::Index i = horizon - 1;
    if (forecast.mean.size() <= i || forecast.lower.size() <= i || forecast.upper.size() <= i) {
        return std::unexpected("the model returned fewer than " + std::to_string(horizon) +
                               " steps");
    }
    const ForecastPoint point{forecast.mean[i], forecast.lower[i], forecast.upper[i]};
    if (!std::isfinite(point.yhat) || !std::isfinite(point.lower) || !std::isfinite(point.upper)) {
        return std::unexpected("horizon " + std::to_string(horizon) +
                               ": the model returned a non-finite forecast");
    }
    if (point.lower > point.upper) {
        return std::unexpected("horizon " + std::to_string(horizon) +
                               ": the model returned lower > upper");
    }
    return point;
}

TaskResult run_task(const model::Forecaster& forecaster, const model::Series& series,
                    Eigen::Index origin)
{
    TaskResult result;
    const auto started = std::chrono::steady_clock::now();
    try {
        // The information rule: the fit sees points 0..origin and nothing after.
        const model::Series history{series.start, series.step_seconds,
                                    series.values.head(origin + 1)};
        const auto fitted = forecaster.fit(history);
        if (!fitted) {
            result.error = fitted.error().message;
            return result;
        }
        const model::Forecast forecast = (*fitted)->forecast(kMaxHorizon);
        result.model = (*fitted)->stats().description;
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        for (std::size_t j = 0; j < kHorizons.size(); ++j) {
            auto point = take_point(forecast, kHorizons[j]);
            if (!point) {
                result.error = std::move(point.error());
                return result;
            }
            result.points[j] = *point;
        }
    } catch (const std::exception& e) {
        result.error = std::string("the model threw: ") + e.what();
    }
    return result;
}

} // namespace

std::vector<std::expected<TraceRun, BacktestError>> run_forecasts(
    const model::Forecaster& forecaster, const std::vector<Trace>& traces,
    const RunOptions& options)
{
    std::vector<std::vector<Eigen::Index>> origins;
    std::vector<Task> tasks;
    for (std::size_t t = 0; t < traces.size(); ++t) {
        origins.push_back(plan_origins(traces[t].series.size(), options.every).origins);
        for (std::size_t k = 0; k < origins.back().size(); ++k) {
            tasks.push_back(Task{t, k});
        }
    }
    std::vector<TaskResult> results(tasks.size());
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < tasks.size(); i = next++) {
            const Task& task = tasks[i];
            results[i] = run_task(forecaster, traces[task.trace].series,
                                  origins[task.trace][task.origin]);
        }
    };
    {
        std::vector<std::jthread> workers;
        for (unsigned w = 1; w < std::max(1U, options.jobs); ++w) {
            workers.emplace_back(work);
        }
        work();
    }
    std::vector<std::expected<TraceRun, BacktestError>> runs;
    std::size_t i = 0;
    for (std::size_t t = 0; t < traces.size(); ++t) {
        TraceRun run;
        run.forecasts.origins = origins[t];
        run.timing.origins = static_cast<Eigen::Index>(origins[t].size());
        std::optional<BacktestError> error;
        for (std::size_t k = 0; k < origins[t].size(); ++k, ++i) {
            if (results[i].error && !error) {
                error = BacktestError{"trace " + traces[t].name + ", origin " +
                                      std::to_string(origins[t][k]) + ": " + *results[i].error};
            }
            run.forecasts.points.push_back(results[i].points);
            run.models.push_back(std::move(results[i].model));
            run.timing.seconds += results[i].seconds;
        }
        if (error) {
            runs.emplace_back(std::unexpected(std::move(*error)));
        } else {
            runs.emplace_back(std::move(run));
        }
    }
    return runs;
}

} // namespace ihpa::backtest
