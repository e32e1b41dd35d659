#include "controller/adapter_backend.hpp"

#include "common/text.hpp"

namespace ihpa::controller {

adapter::ForecastConfig to_forecast_config(const DesiredForecast& forecast)
{
    adapter::ForecastConfig config;
    config.name = forecast.name;
    config.ihpa = adapter::IhpaRef{forecast.namespace_, forecast.ihpa, forecast.metric};
    config.series = forecast.series;
    config.settings = forecast.settings;
    config.traffic = forecast.traffic;
    return config;
}

AdapterForecastBackend::AdapterForecastBackend(adapter::Adapter& adapter, std::string resource_metrics_source)
    : adapter_(adapter), resource_metrics_source_(std::move(resource_metrics_source))
{
}

void AdapterForecastBackend::apply(const std::string& ihpa_key, const std::vector<DesiredForecast>& forecasts)
{
    const std::lock_guard lock(mutex_);
    auto& registered = registered_[ihpa_key];
    const ForecastDiff diff = diff_forecasts(registered, forecasts);
    auto& registry = adapter_.registry();
    registry.begin_batch();
    for (const std::string& id : diff.to_remove) {
        registry.unregister_forecast(id);
        problems_.erase(id);
        waiting_since_.erase(id);
    }
    for (const DesiredForecast& forecast : diff.to_register) {
        const std::string id = forecast_id(forecast);
        if (auto done = registry.register_forecast(to_forecast_config(forecast)); done) {
            problems_.erase(id);
        } else {
            registry.unregister_forecast(id); // an older version of it must not stay served
            problems_[id] = done.error();
        }
    }
    registry.end_batch();
    if (forecasts.empty()) {
        registered_.erase(ihpa_key);
    } else {
        registered = forecasts;
    }
}

std::map<std::string, ForecastStatus>
AdapterForecastBackend::status(const std::vector<DesiredForecast>& forecasts,
                               std::chrono::system_clock::time_point now) const
{
    std::map<std::string, ForecastStatus> out;
    for (const DesiredForecast& forecast : forecasts) {
        const std::string id = forecast_id(forecast);
        ForecastStatus& each = out[forecast.metric];
        const auto state = adapter_.registry().find_forecast(id);
        if (!state) {
            const std::lock_guard lock(mutex_);
            const auto problem = problems_.find(id);
            each.state = "unavailable";
            each.message = problem != problems_.end() ? problem->second : "the forecast is not registered";
            continue;
        }
        const adapter::ForecastStatus figures = state->status();
        if (awaiting_first_poll(id, forecast.series.source, figures, now)) {
            out.erase(forecast.metric);
            continue;
        }
        const auto served = state->serve(now);
        each.state = served ? adapter::to_string(served->state) : "unavailable";
        if (served) {
            each.served = served->value;
        } else {
            each.message = served.error();
        }
        if (figures.latest) {
            each.current = figures.latest->value;
        }
        each.model = figures.model;
        each.rel_mae = figures.rel_mae;
        each.coverage = figures.coverage;
        each.traffic_r2 = figures.traffic_r2;
        each.last_fit = figures.last_fit;
        if (each.state == "notFitted" && !figures.last_fit_error.empty()) {
            each.message = "the last fit failed: " + figures.last_fit_error;
        }
    }
    return out;
}

bool AdapterForecastBackend::awaiting_first_poll(const std::string& id, const std::string& source,
                                                 const adapter::ForecastStatus& figures,
                                                 std::chrono::system_clock::time_point now) const
{
    const std::lock_guard lock(mutex_);
    if (figures.latest) {
        waiting_since_.erase(id);
        return false;
    }
    std::chrono::milliseconds interval{30000};
    for (const adapter::SourceInfo& each : adapter_.sources()) {
        if (each.name == source) {
            interval = each.interval;
        }
    }
    const auto since = waiting_since_.try_emplace(id, now).first->second;
    return now - since < 2 * interval + std::chrono::seconds(10);
}

SourceCatalog AdapterForecastBackend::catalog() const
{
    SourceCatalog catalog;
    for (const adapter::SourceInfo& source : adapter_.sources()) {
        catalog.sources.push_back({source.name, source.kind});
    }
    catalog.resource_metrics_source = resource_metrics_source_;
    catalog.pass_through = [this](const std::string&, const std::string& name,
                                  const nlohmann::json&) -> std::optional<SeriesSource> {
        // A `metrics[]` entry serves its name in every namespace, whatever the selector.
        if (const auto series = adapter_.pass_through_series(common::lowercase(name))) {
            return SeriesSource{series->source, series->query};
        }
        return std::nullopt;
    };
    return catalog;
}

std::size_t AdapterForecastBackend::registered() const
{
    const std::lock_guard lock(mutex_);
    std::size_t count = 0;
    for (const auto& [key, forecasts] : registered_) {
        count += forecasts.size();
    }
    return count;
}

} // namespace ihpa::controller
