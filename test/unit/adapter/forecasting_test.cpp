#include "adapter/adapter_metrics.hpp"
#include "adapter/serving/forecast_registry.hpp"
#include "adapter/serving/forecasting_provider.hpp"
#include "adapter/serving/registry_debug_view.hpp"
#include "adapter/history/fitter.hpp"
#include "test/fakes/fake_clock.hpp"
#include "test/fakes/fake_source.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

namespace ihpa::adapter {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

const system_clock::time_point kStart = from_unix_seconds(1'800'000'000);

apiserver::LabelSelector selector(const std::string& text)
{
    return apiserver::parse_label_selector(text).value();
}

ForecastConfig forecast(const std::string& name, const std::string& query)
{
    ForecastConfig config;
    config.name = name;
    config.series = {"fake", query};
    config.labels = {{"app", "shop"}};
    config.settings.model = "naive";
    config.settings.shift.rule = model::ShiftRule::Point;
    config.settings.shift.band = model::ShiftBand::Yhat; // the point forecast: naive's last value
    config.settings.history = 86400s;
    return config;
}

/// A registry over one fake source, polled every minute, with a fitter, a provider and a
/// clock the test moves: the adapter's data path without threads.
struct ForecastingFixture : ::testing::Test {
    test::FakeClock clock{kStart};
    std::shared_ptr<test::FakeSource> source = std::make_shared<test::FakeSource>();
    HistoryStore store;
    ForecastRegistry registry{store};
    std::shared_ptr<Poller> poller = std::make_shared<Poller>("fake", source, 60s, 1);
    Fitter fitter{registry, 2};
    ForecastingProvider provider{registry, clock};
    RegistryDebugView debug{registry, clock};

    ForecastingFixture() { registry.add_poller(poller); }

    /// Polls and fits at the current time, then moves the clock on by `by`.
    void tick(system_clock::duration by = 60s)
    {
        poller->run_once(clock.now());
        fitter.run_once(clock.now());
        clock.advance(by);
    }

    std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
    get(const std::string& metric, const std::string& ns = "default",
        const std::string& labels = "")
    {
        return provider.get_external_metric(ns, selector(labels), {metric});
    }

    /// The debug view as JSON (the test fails on an error).
    nlohmann::json debug_json(const std::string& metric, const std::string& ns, const std::string& labels,
                              std::chrono::seconds history = 2h, std::chrono::seconds horizon = 1h)
    {
        auto view = debug.debug_view(ns, selector(labels), {metric},
                                     {apiserver::DebugViewRequest::Format::Json, history, horizon});
        if (!view) {
            ADD_FAILURE() << view.error().message;
            return nlohmann::json::object();
        }
        EXPECT_EQ(view->content_type, "application/json");
        return nlohmann::json::parse(view->body);
    }

    ServingState state_of(const std::string& id)
    {
        for (const auto& f : registry.forecasts()) {
            if (forecast_id(f->config()) == id) {
                return f->status().state;
            }
        }
        ADD_FAILURE() << "no forecast " << id;
        return ServingState::Unavailable;
    }
};

TEST_F(ForecastingFixture, ColdStartServesTheLatestValueThenTheFittedModel)
{
    source->set_keeps_history(false); // nothing to backfill: history builds up poll by poll
    source->set("q", [](system_clock::time_point t) {
        return static_cast<double>(unix_seconds(t) / 60 % 1000);
    });
    ASSERT_TRUE(registry.register_forecast(forecast("load_forecast", "q")));
    EXPECT_EQ(get("load_forecast").error().code, 503); // no data at all yet
    for (int i = 0; i < 29; ++i) {
        tick();
    }
    clock.advance(-60s);
    auto served = get("load_forecast");
    ASSERT_TRUE(served) << served.error().message;
    ASSERT_EQ(served->size(), 1U);
    EXPECT_EQ(served->front().metric_name, "load_forecast");
    EXPECT_EQ(served->front().metric_labels.at("app"), "shop");
    EXPECT_EQ(served->front().timestamp, clock.now());
    EXPECT_EQ(served->front().value, static_cast<double>(unix_seconds(clock.now()) / 60 % 1000));
    EXPECT_EQ(state_of("load_forecast"), ServingState::ColdStart);
    clock.advance(60s);
    tick(0s); // the 30th sample: minHistory reached, the fitter fits
    served = get("load_forecast");
    ASSERT_TRUE(served);
    EXPECT_EQ(state_of("load_forecast"), ServingState::Forecast);
    // naive forecast: the last value, whatever the lead
    EXPECT_EQ(served->front().value, static_cast<double>(unix_seconds(clock.now()) / 60 % 1000));
}

TEST_F(ForecastingFixture, StaleDataFallsBackToTheLatestValueAndThenTo503)
{
    source->set("q", [](auto) { return 40.0; });
    ASSERT_TRUE(registry.register_forecast(forecast("f", "q")));
    tick(0s); // backfilled a whole day, fitted
    ASSERT_TRUE(get("f"));
    EXPECT_EQ(state_of("f"), ServingState::Forecast);
    const auto last_data = clock.now();
    source->set_down(true);
    clock.advance(10min);
    tick(0s);
    ASSERT_TRUE(get("f"));
    EXPECT_EQ(state_of("f"), ServingState::Forecast); // ≤ maxStaleness: the cached model
    clock.advance(1ms); // staleness holds to the millisecond
    auto stale = get("f");
    ASSERT_TRUE(stale);
    EXPECT_EQ(state_of("f"), ServingState::Stale);
    EXPECT_EQ(stale->front().value, 40.0);
    EXPECT_EQ(stale->front().timestamp, last_data); // the data it used
    clock.set(last_data + 1h);
    ASSERT_TRUE(get("f"));
    clock.advance(1ms);
    const auto gone = get("f");
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, 503);
    EXPECT_NE(gone.error().message.find("older than hardStaleness 1h"), std::string::npos)
        << gone.error().message;
    EXPECT_EQ(state_of("f"), ServingState::Unavailable);
    source->set_down(false); // recovery: backfill, refit on schedule, forecast again
    tick(0s);
    ASSERT_TRUE(get("f"));
    EXPECT_EQ(state_of("f"), ServingState::Forecast);
}

TEST_F(ForecastingFixture, EachChangeOfTheServingStateIsLoggedOnce)
{
    source->set("q", [](auto) { return 40.0; });
    ASSERT_TRUE(registry.register_forecast(forecast("f", "q")));
    tick(0s);
    ::testing::internal::CaptureStderr();
    ASSERT_TRUE(get("f")); // the first state is no change
    ASSERT_TRUE(get("f"));
    const std::string steady = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(steady, "");

    const auto last_data = clock.now();
    source->set_down(true);
    ::testing::internal::CaptureStderr();
    clock.set(last_data + 10min + 1ms);
    ASSERT_TRUE(get("f"));
    ASSERT_TRUE(get("f"));
    clock.set(last_data + 1h + 1ms);
    EXPECT_FALSE(get("f"));
    EXPECT_FALSE(get("f"));
    source->set_down(false);
    tick(0s);
    ASSERT_TRUE(get("f"));
    const std::string log = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(log.find("warn forecast: f: forecast -> stale (newest data 10m1ms old)\n"), std::string::npos)
        << log;
    EXPECT_NE(log.find("warn forecast: f: stale -> unavailable (newest data 1h1ms old)\n"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("info forecast: f: unavailable -> forecast"), std::string::npos) << log;
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 3) << log; // one line per change
}

TEST_F(ForecastingFixture, AStoppedFitterRoundFitsNothingMore)
{
    source->set("q", [](auto) { return 7.0; });
    for (const char* name : {"a", "b", "c"}) {
        ASSERT_TRUE(registry.register_forecast(forecast(name, "q")));
    }
    poller->run_once(clock.now()); // backfilled: enough history to fit
    std::stop_source shutdown;
    shutdown.request_stop();
    EXPECT_EQ(fitter.run_once(clock.now(), shutdown.get_token()), 0U);
    ASSERT_TRUE(get("a")); // served, from the latest value
    EXPECT_EQ(state_of("a"), ServingState::NotFitted);
    EXPECT_EQ(fitter.run_once(clock.now()), 3U); // the next round still fits everything due
    ASSERT_TRUE(get("c"));
    EXPECT_EQ(state_of("c"), ServingState::Forecast);
}

TEST_F(ForecastingFixture, ServedValuesAreNeverNegativeNorBelowTheFloor)
{
    source->set("neg", [](auto) { return -5.0; });
    ForecastConfig config = forecast("n", "neg");
    ASSERT_TRUE(registry.register_forecast(config));
    config.name = "floored";
    config.settings.shift.floor = 2.0;
    ASSERT_TRUE(registry.register_forecast(config));
    tick(0s);
    EXPECT_EQ(get("n")->front().value, 0.0);
    EXPECT_EQ(get("floored")->front().value, 2.0);
}

TEST_F(ForecastingFixture, IhpaForecastsAreScopedToTheirNamespaceAndSelector)
{
    source->set("web", [](auto) { return 10.0; });
    source->set("api", [](auto) { return 20.0; });
    ForecastConfig web = forecast("", "web");
    web.name = kIhpaForecastMetric;
    web.labels.clear();
    web.ihpa = IhpaRef{"shop", "web", "cpu"};
    ForecastConfig api = web;
    api.series.query = "api";
    api.ihpa = IhpaRef{"shop", "api", "cpu"};
    ASSERT_TRUE(registry.register_forecast(web));
    ASSERT_TRUE(registry.register_forecast(api));
    tick(0s);
    const auto one = get("ihpa-forecast", "shop", "ihpa.dev/name=web,ihpa.dev/metric=cpu");
    ASSERT_TRUE(one);
    ASSERT_EQ(one->size(), 1U);
    EXPECT_EQ(one->front().value, 10.0);
    EXPECT_EQ(one->front().metric_labels.at("ihpa.dev/name"), "web");
    EXPECT_EQ(get("ihpa-forecast", "shop", "ihpa.dev/name=api")->front().value, 20.0);
    EXPECT_EQ(get("ihpa-forecast", "other", "ihpa.dev/name=web").error().code, 404);
    EXPECT_EQ(get("ihpa-forecast", "shop", "ihpa.dev/name=nope").error().code, 404);
    EXPECT_TRUE(registry.unregister_forecast("ihpa/shop/web/cpu"));
    EXPECT_FALSE(registry.unregister_forecast("ihpa/shop/web/cpu"));
    EXPECT_EQ(get("ihpa-forecast", "shop", "ihpa.dev/name=web").error().code, 404);
    EXPECT_TRUE(get("ihpa-forecast", "shop", "ihpa.dev/name=api"));
    EXPECT_EQ(store.size(), 1U); // the unregistered forecast's series is gone
}

TEST_F(ForecastingFixture, PassThroughMetricsServeTheLatestPolledValue)
{
    source->set("depth", [](auto) { return 7.0; });
    MetricConfig metric;
    metric.name = "queue_depth";
    metric.series = {"fake", "depth"};
    metric.labels = {{"queue", "jobs"}};
    ASSERT_TRUE(registry.register_metric(metric, 30s));
    EXPECT_EQ(get("queue_depth").error().code, 503);
    tick(0s);
    const auto value = get("queue_depth", "any", "queue=jobs");
    ASSERT_TRUE(value);
    EXPECT_EQ(value->front().value, 7.0);
    EXPECT_EQ(value->front().timestamp, clock.now());
    EXPECT_EQ(get("queue_depth", "any", "queue=other").error().code, 404);
    EXPECT_EQ(get("nothing").error().code, 404);
    clock.advance(11min);
    EXPECT_EQ(get("queue_depth").error().code, 503);
    const auto listed = provider.list_external_metrics();
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].metric, "queue_depth");
}

TEST_F(ForecastingFixture, SharedSeriesArePolledOnceAndReleasedWithTheirLastUser)
{
    source->set("q", [](auto) { return 1.0; });
    ASSERT_TRUE(registry.register_forecast(forecast("a", "q")));
    ASSERT_TRUE(registry.register_forecast(forecast("b", "q")));
    EXPECT_EQ(store.size(), 1U);
    tick(0s);
    EXPECT_EQ(source->instant_calls, 1);
    registry.unregister_forecast("a");
    EXPECT_EQ(store.size(), 1U);
    registry.unregister_forecast("b");
    EXPECT_EQ(store.size(), 0U);
    ForecastConfig unknown = forecast("c", "q");
    unknown.series.source = "elsewhere";
    const auto refused = registry.register_forecast(unknown);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), "forecast c: unknown source \"elsewhere\"");
}

TEST_F(ForecastingFixture, MetricsShowStateModelAndLiveScore)
{
    source->set("q", [](system_clock::time_point t) {
        return 100.0 + 50.0 * std::sin(static_cast<double>(unix_seconds(t)) / 3600.0);
    });
    ForecastConfig config = forecast("wave", "q");
    config.settings.model = "holt";
    ASSERT_TRUE(registry.register_forecast(config));
    for (int i = 0; i < 20; ++i) {
        tick();
    }
    ASSERT_TRUE(get("wave"));
    const std::string text = render_adapter_metrics(registry, clock.now());
    EXPECT_NE(text.find("ihpa_forecast_state{forecast=\"wave\",metric=\"wave\",state=\"forecast\"} 1"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("ihpa_forecast_model_info{forecast=\"wave\",metric=\"wave\",model=\"holt"),
              std::string::npos);
    EXPECT_NE(text.find("ihpa_forecast_rel_mae{forecast=\"wave\""), std::string::npos);
    EXPECT_NE(text.find("ihpa_forecast_coverage{forecast=\"wave\""), std::string::npos);
    EXPECT_NE(text.find("ihpa_source_up{source=\"fake\"} 1"), std::string::npos);
    const ForecastStatus status = registry.forecasts().front()->status();
    EXPECT_GE(status.scored, 14U); // 20 predictions, the first 5 minutes still pending or settled
    ASSERT_TRUE(status.rel_mae);
    EXPECT_LT(*status.rel_mae, 1.0); // a smooth wave: Holt beats "use the current value"
}

TEST_F(ForecastingFixture, TheSeasonalitySettingReachesTheModel)
{
    // Four days of a clean daily cycle, backfilled at once: detected unless the config says none.
    source->set("q", [](system_clock::time_point t) {
        return 100.0 + 50.0 * std::sin(2.0 * std::numbers::pi *
                                       static_cast<double>(unix_seconds(t) % 86400) / 86400.0);
    });
    ForecastConfig config = forecast("detected", "q");
    config.settings.model = "holtWinters";
    config.settings.step = 600s;
    config.settings.history = 4 * 86400s;
    ASSERT_TRUE(registry.register_forecast(config));
    config.name = "flat";
    config.settings.seasonality = std::vector<std::int64_t>{};
    ASSERT_TRUE(registry.register_forecast(config));
    tick(0s);
    std::map<std::string, std::string> models;
    for (const auto& f : registry.forecasts()) {
        models[f->config().name] = f->status().model;
    }
    EXPECT_NE(models["detected"].find("period=144"), std::string::npos) << models["detected"];
    EXPECT_NE(models["flat"].find("period=0"), std::string::npos) << models["flat"];
}

TEST_F(ForecastingFixture, TheDebugViewShowsHistorySettingsServingFitAndABandedForecast)
{
    source->set("q", [](system_clock::time_point t) {
        return 100.0 + 40.0 * std::sin(2.0 * std::numbers::pi * static_cast<double>(unix_seconds(t) % 3600) / 3600.0);
    });
    ForecastConfig config = forecast("wave", "q");
    config.settings.model = "holtWinters";
    ASSERT_TRUE(registry.register_forecast(config));
    tick(0s); // a day backfilled, fitted
    const auto served = get("wave");
    ASSERT_TRUE(served);
    const nlohmann::json doc = debug_json("wave", "default", "app=shop");
    EXPECT_EQ(doc["kind"], "ExternalMetricDebugView");
    EXPECT_EQ(doc["metric"], "wave");
    ASSERT_EQ(doc["items"].size(), 1U);
    const nlohmann::json& item = doc["items"][0];
    EXPECT_EQ(item["kind"], "forecast");
    EXPECT_EQ(item["labels"]["app"], "shop");
    EXPECT_EQ(item["settings"]["model"], "holtWinters");
    EXPECT_EQ(item["settings"]["leadTime"], "5m");
    EXPECT_EQ(item["settings"]["rule"], "point");
    EXPECT_EQ(item["settings"]["band"], "yhat");
    EXPECT_EQ(item["serving"]["state"], "forecast");
    EXPECT_DOUBLE_EQ(item["serving"]["value"].get<double>(), served->front().value); // what a read gets
    EXPECT_NE(item["fit"]["description"].get<std::string>().find("holtWinters"), std::string::npos);
    EXPECT_GE(item["fit"]["path"]["mean"].size(), 5U); // the published path reaches past the lead
    // Two hours of one-minute history, the newest slot the latest observation.
    const nlohmann::json& history = item["history"];
    ASSERT_EQ(history["values"].size(), 120U);
    EXPECT_EQ(history["stepSeconds"], 60);
    EXPECT_DOUBLE_EQ(history["values"].back().get<double>(),
                     100.0 + 40.0 * std::sin(2.0 * std::numbers::pi *
                                             static_cast<double>(unix_seconds(clock.now()) % 3600) / 3600.0));
    // The forecast over the hour asked for, with lower <= mean <= upper at every step.
    const nlohmann::json& path = item["forecast"]["path"];
    ASSERT_EQ(path["mean"].size(), 60U);
    for (std::size_t h = 0; h < 60; ++h) {
        EXPECT_LE(path["lower"][h].get<double>(), path["mean"][h].get<double>());
        EXPECT_LE(path["mean"][h].get<double>(), path["upper"][h].get<double>());
    }
    EXPECT_EQ(item["forecast"]["description"], item["fit"]["description"]); // same data, same model
    EXPECT_NEAR(path["mean"][29].get<double>(), 100.0 + 40.0 * std::sin(2.0 * std::numbers::pi *
                                                                      static_cast<double>((unix_seconds(clock.now()) + 1800) % 3600) / 3600.0),
                5.0); // a clean wave is forecast half an hour ahead
}

TEST_F(ForecastingFixture, TheDebugViewFollowsTheReadsNamespaceAndSelectorAndCapsItsFits)
{
    source->set("q", [](auto) { return 5.0; });
    for (int i = 0; i < 11; ++i) {
        ForecastConfig c = forecast("", "q");
        c.name = kIhpaForecastMetric;
        c.labels.clear();
        c.ihpa = IhpaRef{"shop", "app" + std::to_string(i), "cpu"};
        ASSERT_TRUE(registry.register_forecast(c));
    }
    tick(0s);
    const nlohmann::json one = debug_json("ihpa-forecast", "shop", "ihpa.dev/name=app3");
    ASSERT_EQ(one["items"].size(), 1U);
    EXPECT_EQ(one["items"][0]["labels"]["ihpa.dev/name"], "app3");
    EXPECT_EQ(one["items"][0]["serving"]["value"], 5.0);
    const nlohmann::json all = debug_json("ihpa-forecast", "shop", "");
    ASSERT_EQ(all["items"].size(), 11U);
    int with_forecast = 0;
    for (const auto& item : all["items"]) {
        with_forecast += item["forecast"].contains("path") ? 1 : 0;
    }
    EXPECT_EQ(with_forecast, 10); // RegistryDebugView::kMaxFits
    EXPECT_NE(all["items"][10]["forecast"]["error"].get<std::string>().find("narrow the labelSelector"),
              std::string::npos);
    const apiserver::DebugViewRequest json_request;
    EXPECT_EQ(debug.debug_view("other", selector(""), {"ihpa-forecast"}, json_request).error().code, 404);
    EXPECT_EQ(debug.debug_view("shop", selector("ihpa.dev/name=nope"), {"ihpa-forecast"}, json_request).error().code,
              404);
    EXPECT_EQ(debug.debug_view("shop", selector(""), {"unknown"}, json_request).error().code, 404);
}

TEST_F(ForecastingFixture, TheDebugViewOfAColdStartAndOfAPassThrough)
{
    source->set_keeps_history(false);
    source->set("q", [](auto) { return 3.0; });
    ASSERT_TRUE(registry.register_forecast(forecast("young", "q")));
    MetricConfig metric;
    metric.name = "depth";
    metric.series = {"fake", "q"};
    ASSERT_TRUE(registry.register_metric(metric, 60s));
    const nlohmann::json empty = debug_json("young", "default", "");
    EXPECT_EQ(empty["items"][0]["serving"]["state"], "unavailable");
    EXPECT_EQ(empty["items"][0]["serving"]["error"], "no data has been received yet");
    tick(0s);
    const nlohmann::json young = debug_json("young", "default", "");
    const nlohmann::json& item = young["items"][0];
    EXPECT_EQ(item["serving"]["state"], "coldStart");
    EXPECT_EQ(item["serving"]["value"], 3.0);
    EXPECT_TRUE(item["fit"].is_null());
    EXPECT_EQ(item["forecast"]["error"], "fewer than minHistory samples");
    const nlohmann::json through = debug_json("depth", "any", "");
    EXPECT_EQ(through["items"][0]["kind"], "passthrough");
    EXPECT_EQ(through["items"][0]["latest"]["value"], 3.0);
    EXPECT_EQ(through["items"][0]["maxAge"], "10m");
    const nlohmann::json& values = through["items"][0]["history"]["values"];
    ASSERT_EQ(values.size(), 60U); // the hour a pass-through keeps, one poll so far
    EXPECT_EQ(std::count_if(values.begin(), values.end(), [](const auto& v) { return !v.is_null(); }), 1);
    EXPECT_EQ(values.back(), 3.0);
}

/// A workload over a day: requests in a daily cycle with some jitter, the replicas a reactive
/// autoscaler keeps, usage 0.1 per pod + 0.002 per request, and a series unrelated to it.
struct TrafficWorkload {
    static double requests(system_clock::time_point t)
    {
        const double s = static_cast<double>(unix_seconds(t));
        return 2000.0 + 1500.0 * std::sin(2.0 * std::numbers::pi * s / 86400.0) + 100.0 * std::sin(s * 0.37);
    }
    static double pods(system_clock::time_point t) { return std::ceil(requests(t) / 400.0); }
    static double usage(system_clock::time_point t) { return 0.1 * pods(t) + 0.002 * requests(t); }
    static double unrelated(system_clock::time_point t)
    {
        const double s = static_cast<double>(unix_seconds(t));
        return 50.0 + 10.0 * std::sin(s * 0.77) * std::cos(s * 0.13);
    }
};

ForecastConfig traffic_forecast(const std::string& name, const std::string& driver)
{
    ForecastConfig config = forecast(name, "cpu");
    config.traffic = TrafficConfig{{{"fake", driver}}, {"fake", "pods"}, 0.5};
    return config;
}

TEST_F(ForecastingFixture, ATrafficForecastServesUsageFromItsDriversAndFallsBackWhenTheyExplainNothing)
{
    source->set("cpu", TrafficWorkload::usage);
    source->set("req", TrafficWorkload::requests);
    source->set("pods", TrafficWorkload::pods);
    source->set("noise", TrafficWorkload::unrelated);
    ASSERT_TRUE(registry.register_forecast(traffic_forecast("by_traffic", "req")));
    ASSERT_TRUE(registry.register_forecast(traffic_forecast("by_noise", "noise")));
    tick(0s); // one poll backfills a day of each series; the fitter fits both
    const auto by_traffic = registry.find_forecast("by_traffic");
    ASSERT_TRUE(by_traffic);
    const ForecastStatus status = by_traffic->status();
    ASSERT_EQ(status.state, ServingState::Forecast) << status.last_fit_error;
    EXPECT_TRUE(status.model.starts_with("traffic(b0=")) << status.model;
    ASSERT_TRUE(status.traffic_r2);
    EXPECT_GT(*status.traffic_r2, 0.9);
    EXPECT_NE(status.model.find("drivers: naive"), std::string::npos) << status.model;
    // naive holds the requests at their last value: the served usage is what they cost at the
    // last replica count, which is the last usage.
    const auto served = get("by_traffic");
    ASSERT_TRUE(served) << served.error().message;
    EXPECT_NEAR(served->front().value, TrafficWorkload::usage(clock.now()), 0.05);
    const ForecastStatus noise = registry.find_forecast("by_noise")->status();
    EXPECT_TRUE(noise.model.starts_with("direct (traffic: held-out R² ")) << noise.model;
    ASSERT_TRUE(noise.traffic_r2); // the R² that sent it back to the direct forecast
    EXPECT_LT(*noise.traffic_r2, 0.5);
    EXPECT_NE(noise.model.find("below minR2 0.5): naive"), std::string::npos) << noise.model;
    // The debug view shows the traffic settings.
    const nlohmann::json view = debug_json("by_traffic", "default", "");
    EXPECT_EQ(view["items"][0]["settings"]["traffic"]["drivers"][0]["query"], "req");
    EXPECT_EQ(view["items"][0]["settings"]["traffic"]["replicas"]["query"], "pods");
    // The drivers and the replica count are kept for as long as the forecast exists.
    EXPECT_TRUE(registry.unregister_forecast("by_traffic"));
    EXPECT_TRUE(registry.unregister_forecast("by_noise"));
    EXPECT_EQ(store.size(), 0U);
}

TEST_F(ForecastingFixture, ATrafficForecastOnAnUnknownSourceIsRefusedAndHoldsNothing)
{
    ForecastConfig config = traffic_forecast("f", "req");
    config.traffic->replicas = {"elsewhere", "pods"};
    const auto refused = registry.register_forecast(config);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), "forecast f: traffic: unknown source \"elsewhere\"");
    EXPECT_EQ(store.size(), 0U);
}

TEST_F(ForecastingFixture, TheDebugViewAsSvgIsOneChartPanelPerEntry)
{
    source->set("q", [](auto) { return 5.0; });
    ASSERT_TRUE(registry.register_forecast(forecast("f", "q")));
    tick(0s);
    const auto view = debug.debug_view("default", selector(""), {"f"},
                                       {apiserver::DebugViewRequest::Format::Svg, 3h, 2h});
    ASSERT_TRUE(view) << view.error().message;
    EXPECT_EQ(view->content_type, "image/svg+xml");
    EXPECT_TRUE(view->body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_NE(view->body.find("ihpa: f in default at "), std::string::npos);
    EXPECT_NE(view->body.find("app=shop: forecast, naive"), std::string::npos); // the panel title
    EXPECT_NE(view->body.find(">now</text>"), std::string::npos);
    // observed, served, published fit and forecast: four lines; the band
    const auto count = [&](std::string_view what) {
        std::size_t n = 0;
        for (auto at = view->body.find(what); at != std::string::npos; at = view->body.find(what, at + 1)) {
            ++n;
        }
        return n;
    };
    EXPECT_EQ(count("<path "), 4U);
    EXPECT_EQ(count("<polygon "), 1U);
}

} // namespace
} // namespace ihpa::adapter
