#include "adapter/serving/forecast_registry.hpp"
#include "adapter/serving/traffic_forecaster.hpp"

#include "model/registry.hpp"

#include <algorithm>

namespace ihpa::adapter {

std::string forecast_id(const ForecastConfig& forecast)
{
    if (forecast.ihpa) {
        return "ihpa/" + forecast.ihpa->namespace_ + "/" + forecast.ihpa->name + "/" +
               forecast.ihpa->metric;
    }
    return forecast.name;
}

std::map<std::string, std::string> ihpa_labels(const IhpaRef& ref)
{
    return {{"ihpa.dev/name", ref.name}, {"ihpa.dev/metric", ref.metric}};
}

ForecastRegistry::ForecastRegistry(HistoryStore& store) : store_(store)
{
    table_.store(std::make_shared<const ServingTable>());
}

void ForecastRegistry::add_poller(std::shared_ptr<Poller> poller)
{
    const std::lock_guard lock(mutex_);
    const std::string name = poller->source_name();
    pollers_[name] = std::move(poller);
}

void ForecastRegistry::set_pollers(const std::vector<std::shared_ptr<Poller>>& pollers)
{
    const std::lock_guard lock(mutex_);
    pollers_.clear();
    for (const auto& poller : pollers) {
        pollers_[poller->source_name()] = poller;
    }
    for (const auto& [key, use] : series_uses_) {
        if (const auto poller = pollers_.find(use.source); poller != pollers_.end()) {
            poller->second->set_target(key, use.query, use.series);
        }
    }
    std::erase_if(subscriptions_, [&](const auto& entry) {
        const auto poller = pollers_.find(entry.second.source);
        if (poller == pollers_.end()) {
            return true;
        }
        poller->second->set_labelled_target(entry.first, entry.second.query, entry.second.answer);
        return false;
    });
}

std::expected<std::shared_ptr<LabelledQuery>, std::string>
ForecastRegistry::subscribe(const std::string& source, const std::string& query,
                            std::chrono::system_clock::time_point now)
{
    const std::string key = source + '\n' + query;
    const std::lock_guard lock(mutex_);
    if (const auto found = subscriptions_.find(key); found != subscriptions_.end()) {
        found->second.answer->touch(now);
        return found->second.answer;
    }
    const auto poller = pollers_.find(source);
    if (poller == pollers_.end()) {
        return std::unexpected("unknown source \"" + source + "\"");
    }
    auto answer = std::make_shared<LabelledQuery>(now);
    subscriptions_[key] = Subscription{source, query, answer};
    poller->second->set_labelled_target(key, query, answer);
    return answer;
}

std::size_t ForecastRegistry::expire_subscriptions(std::chrono::system_clock::time_point now,
                                                   std::chrono::milliseconds ttl)
{
    const std::lock_guard lock(mutex_);
    return std::erase_if(subscriptions_, [&](const auto& entry) {
        if (now - entry.second.answer->last_requested() <= ttl) {
            return false;
        }
        if (const auto poller = pollers_.find(entry.second.source); poller != pollers_.end()) {
            poller->second->remove_labelled_target(entry.first);
        }
        return true;
    });
}

std::expected<std::shared_ptr<StoredSeries>, std::string>
ForecastRegistry::acquire_series(const SeriesRef& ref, std::int64_t step_seconds,
                                 std::int64_t capacity, std::string& key)
{
    const auto poller = pollers_.find(ref.source);
    if (poller == pollers_.end()) {
        return std::unexpected("unknown source \"" + ref.source + "\"");
    }
    // The history length is part of the key, so a series' geometry never changes under a user.
    key = series_key(ref.source, ref.query, step_seconds) + '\x1f' + std::to_string(capacity);
    auto series = store_.ensure(key, step_seconds, capacity);
    SeriesUse& use = series_uses_[key];
    use.source = ref.source;
    use.query = ref.query;
    use.series = series;
    ++use.users;
    unused_since_.erase(key);
    poller->second->set_target(key, ref.query, series);
    return series;
}

void ForecastRegistry::release_series(const std::string& key)
{
    const auto use = series_uses_.find(key);
    if (use == series_uses_.end() || --use->second.users > 0) {
        return;
    }
    if (const auto poller = pollers_.find(use->second.source); poller != pollers_.end()) {
        poller->second->remove_target(key);
    }
    series_uses_.erase(use);
    store_.remove(key);
}

std::expected<void, std::string> ForecastRegistry::register_forecast(const ForecastConfig& forecast)
{
    model::FitOptions fit_options;
    fit_options.seasonal_periods_seconds = forecast.settings.seasonality;
    auto forecaster = model::make_forecaster(forecast.settings.model, fit_options);
    if (!forecaster) {
        return std::unexpected(forecaster.error().message);
    }
    const std::int64_t step = forecast.settings.step.count();
    const std::int64_t capacity = forecast.settings.history.count() / step;
    const std::string id = forecast_id(forecast);
    const std::lock_guard lock(mutex_);
    std::vector<std::string> keys;
    // A traffic forecast polls its drivers and replica count at its own step and history.
    std::vector<SeriesRef> refs{forecast.series};
    if (forecast.traffic) {
        refs.insert(refs.end(), forecast.traffic->drivers.begin(), forecast.traffic->drivers.end());
        refs.push_back(forecast.traffic->replicas);
    }
    std::vector<std::shared_ptr<StoredSeries>> series;
    for (const SeriesRef& ref : refs) {
        std::string key;
        auto acquired = acquire_series(ref, step, capacity, key);
        if (!acquired) {
            for (const std::string& k : keys) {
                release_series(k);
            }
            return std::unexpected("forecast " + id + ": " + (keys.empty() ? "" : "traffic: ") + acquired.error());
        }
        keys.push_back(key);
        series.push_back(std::move(*acquired));
    }
    std::unique_ptr<model::Forecaster> chosen = std::move(*forecaster);
    if (forecast.traffic) {
        std::vector<std::shared_ptr<StoredSeries>> drivers(series.begin() + 1, series.end() - 1);
        chosen = std::make_unique<TrafficForecaster>(std::move(drivers), series.back(), std::move(chosen),
                                                     forecast.traffic->min_r2);
    }
    if (const auto old = forecasts_.find(id); old != forecasts_.end()) {
        const std::vector<std::string> old_keys = old->second.series_keys;
        forecasts_.erase(old);
        for (const std::string& k : old_keys) {
            release_series(k);
        }
    }
    forecasts_[id] = Forecast{std::make_shared<ForecastState>(forecast, series.front(), std::move(chosen)),
                              std::move(keys)};
    publish();
    return {};
}

bool ForecastRegistry::unregister_forecast(const std::string& id)
{
    const std::lock_guard lock(mutex_);
    const auto it = forecasts_.find(id);
    if (it == forecasts_.end()) {
        return false;
    }
    const std::vector<std::string> keys = it->second.series_keys;
    forecasts_.erase(it);
    for (const std::string& key : keys) {
        release_series(key);
    }
    publish();
    return true;
}

std::expected<void, std::string>
ForecastRegistry::register_metric(const MetricConfig& metric, std::chrono::milliseconds interval)
{
    // Pass-through metrics keep an hour of history at the poll interval: enough for /metrics
    // and for a later forecast on the same query to start warm.
    const std::int64_t step =
        std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(interval).count());
    const std::int64_t capacity = std::max<std::int64_t>(2, 3600 / step);
    const std::lock_guard lock(mutex_);
    std::string key;
    auto series = acquire_series(metric.series, step, capacity, key);
    if (!series) {
        return std::unexpected("metric " + metric.name + ": " + series.error());
    }
    if (const auto old = metrics_.find(metric.name); old != metrics_.end()) {
        const std::string old_key = old->second.series_key;
        metrics_.erase(old);
        release_series(old_key);
    }
    metrics_[metric.name] = Metric{metric, std::move(*series), key};
    publish();
    return {};
}

bool ForecastRegistry::unregister_metric(const std::string& name)
{
    const std::lock_guard lock(mutex_);
    const auto it = metrics_.find(name);
    if (it == metrics_.end()) {
        return false;
    }
    const std::string key = it->second.series_key;
    metrics_.erase(it);
    release_series(key);
    publish();
    return true;
}

std::vector<std::shared_ptr<ForecastState>> ForecastRegistry::forecasts() const
{
    const std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<ForecastState>> out;
    for (const auto& [id, forecast] : forecasts_) {
        out.push_back(forecast.state);
    }
    return out;
}

std::shared_ptr<ForecastState> ForecastRegistry::find_forecast(const std::string& id) const
{
    const std::lock_guard lock(mutex_);
    const auto it = forecasts_.find(id);
    return it == forecasts_.end() ? nullptr : it->second.state;
}

std::vector<std::shared_ptr<Poller>> ForecastRegistry::pollers() const
{
    const std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Poller>> out;
    for (const auto& [name, poller] : pollers_) {
        out.push_back(poller);
    }
    return out;
}

std::size_t ForecastRegistry::prune(std::chrono::system_clock::time_point now,
                                    std::chrono::seconds grace)
{
    const std::lock_guard lock(mutex_);
    std::size_t removed = 0;
    for (const auto& [key, series] : store_.all()) {
        if (series_uses_.contains(key)) {
            continue;
        }
        const auto since = unused_since_.try_emplace(key, now).first->second;
        if (now - since >= grace) {
            store_.remove(key);
            unused_since_.erase(key);
            ++removed;
        }
    }
    return removed;
}

void ForecastRegistry::begin_batch()
{
    const std::lock_guard lock(mutex_);
    ++batch_depth_;
}

void ForecastRegistry::end_batch()
{
    const std::lock_guard lock(mutex_);
    batch_depth_ = batch_depth_ > 0 ? batch_depth_ - 1 : 0;
    publish();
}

void ForecastRegistry::publish()
{
    if (batch_depth_ > 0) {
        return;
    }
    auto table = std::make_shared<ServingTable>();
    for (const auto& [id, forecast] : forecasts_) {
        const ForecastConfig& config = forecast.state->config();
        ServingEntry entry;
        entry.forecast = forecast.state;
        if (config.ihpa) {
            entry.labels = ihpa_labels(*config.ihpa);
            entry.only_namespace = config.ihpa->namespace_;
        } else {
            entry.labels = config.labels;
        }
        (*table)[config.name].push_back(std::move(entry));
    }
    for (const auto& [name, metric] : metrics_) {
        ServingEntry entry;
        entry.labels = metric.config.labels;
        entry.passthrough = metric.series;
        (*table)[name].push_back(std::move(entry));
    }
    table_.store(std::move(table));
}

} // namespace ihpa::adapter
