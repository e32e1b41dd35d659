// The request path server-side, for a fitted forecast: what answering one external-metrics
// request costs once the request is parsed (docs/benchmarks.md, "Request path"; design.md's
// budget is 50 µs). Three levels: the whole provider (table lookup, selector, serve, result),
// ForecastState::serve (the series' lock, the published fit, the policy, the state record) and
// model::serve alone.
#include "adapter/serving/forecast_registry.hpp"
#include "adapter/serving/forecasting_provider.hpp"
#include "adapter/history/fitter.hpp"
#include "apiserver/label_selector.hpp"
#include "model/serving.hpp"
#include "test/fakes/fake_clock.hpp"
#include "test/fakes/fake_source.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace ihpa {
namespace {

using namespace std::chrono_literals;

const auto kNow = adapter::from_unix_seconds(1'800'000'000);

/// A day-periodic load, as a pod fleet's CPU.
double daily_load(std::chrono::system_clock::time_point t)
{
    const double day = static_cast<double>(adapter::unix_seconds(t) % 86400) / 86400.0;
    return 50.0 + 30.0 * std::sin(2.0 * std::numbers::pi * day);
}

/// The adapter's data path with one forecast on 14 days of 1-minute history, backfilled from a
/// fake source and fitted with Holt-Winters: what `ihpa serve` holds for one forecast.
struct ServingSetup {
    test::FakeClock clock{kNow};
    std::shared_ptr<test::FakeSource> source = std::make_shared<test::FakeSource>();
    adapter::HistoryStore store;
    adapter::ForecastRegistry registry{store};
    std::shared_ptr<adapter::Poller> poller =
        std::make_shared<adapter::Poller>("fake", source, 60s, 1);
    adapter::Fitter fitter{registry, 1};
    adapter::ForecastingProvider provider{registry, clock};

    explicit ServingSetup(model::ShiftBand band)
    {
        registry.add_poller(poller);
        source->set("load", daily_load);
        adapter::ForecastConfig config;
        config.name = "load_forecast";
        config.series = {"fake", "load"};
        config.settings.model = "holtWinters";
        config.settings.shift.band = band;
        if (const auto added = registry.register_forecast(config); !added) {
            throw std::runtime_error(added.error());
        }
        poller->run_once(clock.now());
        fitter.run_once(clock.now());
        // Two minutes after the fit: band adjust has observations newer than the fit to read.
        clock.advance(60s);
        poller->run_once(clock.now());
        clock.advance(60s);
        poller->run_once(clock.now());
        const auto served = registry.forecasts().front()->serve(clock.now());
        if (!served || served->state != model::ServingState::Forecast) {
            throw std::runtime_error("the benchmark's forecast is not served from its fit");
        }
    }
};

void provider_get_external_metric(benchmark::State& state, model::ShiftBand band)
{
    const ServingSetup setup(band);
    const auto selector = apiserver::parse_label_selector("").value();
    const apiserver::ExternalMetricInfo info{"load_forecast"};
    for (auto _ : state) {
        auto answer = setup.provider.get_external_metric("default", selector, info);
        benchmark::DoNotOptimize(answer);
    }
}

void forecast_state_serve(benchmark::State& state, model::ShiftBand band)
{
    const ServingSetup setup(band);
    const auto forecast = setup.registry.forecasts().front();
    for (auto _ : state) {
        auto served = forecast->serve(setup.clock.now());
        benchmark::DoNotOptimize(served);
    }
}

/// The latest observation one minute ago, and no other read (bands yhat and upper).
class OneObservation final : public model::HistoryView {
public:
    std::optional<model::Observation> latest() const override { return model::Observation{940'000, 12.0}; }
    std::int64_t finite_samples() const override { return 20160; }
    std::int64_t step_seconds() const override { return 60; }
    model::Series since(std::int64_t from) const override
    {
        model::Series s;
        s.start = from;
        s.values = Eigen::VectorXd::Constant(1, 13.0);
        return s;
    }
};

void model_serve(benchmark::State& state, model::ShiftBand band)
{
    // A forecast anchored as the adapter anchors it with the defaults: 26 one-minute steps.
    model::ServingPolicy policy;
    policy.shift.band = band;
    model::AnchoredForecast fit;
    fit.origin = 900;
    fit.step_seconds = 60;
    fit.origin_value = 10.0;
    fit.forecast.mean = Eigen::VectorXd::LinSpaced(26, 11.0, 36.0);
    fit.forecast.lower = fit.forecast.mean.array() - 2.0;
    fit.forecast.upper = fit.forecast.mean.array() + 2.0;
    const OneObservation history;
    for (auto _ : state) {
        auto served = model::serve(policy, history, &fit, 1'000'000);
        benchmark::DoNotOptimize(served);
    }
}

BENCHMARK_CAPTURE(provider_get_external_metric, yhat, model::ShiftBand::Yhat);
BENCHMARK_CAPTURE(provider_get_external_metric, upper, model::ShiftBand::Upper);
BENCHMARK_CAPTURE(provider_get_external_metric, adjust, model::ShiftBand::Adjust);
BENCHMARK_CAPTURE(forecast_state_serve, yhat, model::ShiftBand::Yhat);
BENCHMARK_CAPTURE(forecast_state_serve, upper, model::ShiftBand::Upper);
BENCHMARK_CAPTURE(forecast_state_serve, adjust, model::ShiftBand::Adjust);
BENCHMARK_CAPTURE(model_serve, yhat, model::ShiftBand::Yhat);
BENCHMARK_CAPTURE(model_serve, upper, model::ShiftBand::Upper);
BENCHMARK_CAPTURE(model_serve, adjust, model::ShiftBand::Adjust);

} // namespace
} // namespace ihpa

BENCHMARK_MAIN();
