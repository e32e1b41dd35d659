#include "adapter/adapter.hpp"

#include "adapter/adapter_metrics.hpp"
#include "common/log.hpp"

#include <algorithm>

namespace ihpa::adapter {
namespace {

/// Series nobody registered again within this long after a restart are dropped.
constexpr std::chrono::seconds kUnusedSeriesGrace(3600);

/// Equal apart from where they were written.
template <typename Config>
bool same_config(Config a, const Config& b)
{
    a.line = b.line;
    return a.name == b.name && a.series == b.series && a.labels == b.labels && [&] {
        if constexpr (requires { a.settings; }) {
            return a.ihpa == b.ihpa && a.settings == b.settings && a.traffic == b.traffic;
        } else {
            return true;
        }
    }();
}

std::string at_line(const std::string& origin, int line)
{
    return origin + ":" + std::to_string(line) + ": ";
}

} // namespace

Adapter::Adapter(const Clock& clock, AdapterOptions options)
    : clock_(clock), options_(std::move(options)), registry_(store_),
      forecasting_(std::make_shared<ForecastingProvider>(registry_, clock_)),
      provider_(std::make_shared<CompositeProvider>(CompositeProvider::Providers{forecasting_})),
      debug_view_(registry_, clock_),
      fitter_(registry_, options_.fit_workers)
{
}

Adapter::~Adapter()
{
    stop_loops();
}

std::expected<SnapshotLoad, std::string> Adapter::load_snapshot()
{
    if (options_.state_dir.empty()) {
        return SnapshotLoad{};
    }
    const auto start = std::chrono::steady_clock::now();
    auto loaded = adapter::load_snapshot(store_, options_.state_dir);
    timings_.snapshot_load_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return loaded;
}

std::expected<LogReplay, std::string> Adapter::replay_log()
{
    if (options_.state_dir.empty()) {
        return LogReplay{};
    }
    replayed_ = adapter::replay_log(store_, options_.state_dir);
    for (const std::string& warning : replayed_.warnings) {
        IHPA_LOG(warn, "history") << warning;
    }
    for (const std::string& error : replayed_.errors) {
        IHPA_LOG(error, "history") << error;
    }
    if (replayed_.segments > 0) {
        IHPA_LOG(info, "history") << "log replayed: " << replayed_.points << " points from "
                                  << replayed_.records << " poll rounds in "
                                  << replayed_.segments << " segments ("
                                  << replayed_.skipped << " already in the snapshot, "
                                  << replayed_.created_series << " series created)";
    }
    auto log = HistoryLog::open(options_.state_dir);
    if (!log) {
        return std::unexpected(log.error());
    }
    log_ = std::move(*log);
    return replayed_;
}

std::expected<std::size_t, std::string> Adapter::save_snapshot()
{
    if (options_.state_dir.empty()) {
        return 0;
    }
    const auto start = std::chrono::steady_clock::now();
    std::optional<std::uint64_t> covered;
    if (log_) {
        auto rotated = log_->rotate();
        if (!rotated) {
            return std::unexpected(rotated.error());
        }
        covered = *rotated;
    }
    auto written = write_snapshot(store_, options_.state_dir);
    if (written && covered) {
        log_->remove_through(*covered);
    }
    if (written) {
        timings_.snapshot_write_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        timings_.snapshot_bytes = *written;
    }
    return written;
}

std::expected<void, std::string> Adapter::apply(const AdapterConfig& config,
                                                const std::string& origin,
                                                const FileResolver& resolve)
{
    const std::lock_guard lock(apply_mutex_);
    const SourceContext context{resolve, clock_};
    Applied next;
    std::vector<std::shared_ptr<Poller>> pollers;
    std::map<std::string, std::shared_ptr<SeriesSource>> series_sources;
    std::vector<SourceConfig> sources = config.sources;
    for (const SourceConfig& implicit : options_.implicit_sources) {
        if (std::none_of(sources.begin(), sources.end(),
                         [&](const SourceConfig& own) { return own.name == implicit.name; })) {
            sources.push_back(implicit);
        }
    }
    for (const SourceConfig& source : sources) {
        auto built = source.factory(context);
        if (!built) {
            return std::unexpected(at_line(origin, source.line) + "source " + source.name + ": " +
                                   built.error());
        }
        if (auto lister = std::dynamic_pointer_cast<SeriesSource>(*built)) {
            series_sources[source.name] = lister;
        }
        next.intervals[source.name] = source.interval;
        next.sources.push_back({source.name, source.kind, source.interval});
        pollers.push_back(std::make_shared<Poller>(source.name, std::move(*built), source.interval,
                                                   options_.seed + pollers.size(), log_));
    }
    if (!config.external_rules.empty()) {
        next.rules = std::make_shared<ExternalRulesProvider>(
            config.external_rules, series_sources, config.external_rules_options, registry_,
            clock_);
    }
    const bool was_running = running_;
    stop_loops();
    running_ = false;

    registry_.set_pollers(pollers);
    registry_.begin_batch();
    for (const MetricConfig& metric : config.metrics) {
        next.metrics[metric.name] = metric;
        const auto old = applied_.metrics.find(metric.name);
        const bool same_source_interval =
            applied_.intervals[metric.series.source] == next.intervals[metric.series.source];
        if (old != applied_.metrics.end() && same_config(old->second, metric) &&
            same_source_interval) {
            continue;
        }
        if (auto done = registry_.register_metric(metric, next.intervals[metric.series.source]);
            !done) {
            IHPA_LOG(error, "adapter") << at_line(origin, metric.line) << done.error();
        }
    }
    for (const auto& [name, metric] : applied_.metrics) {
        if (!next.metrics.contains(name)) {
            registry_.unregister_metric(name);
        }
    }
    for (const ForecastConfig& forecast : config.forecasts) {
        const std::string id = forecast_id(forecast);
        next.forecasts[id] = forecast;
        const auto old = applied_.forecasts.find(id);
        if (old != applied_.forecasts.end() && same_config(old->second, forecast)) {
            continue;
        }
        if (auto done = registry_.register_forecast(forecast); !done) {
            IHPA_LOG(error, "adapter") << at_line(origin, forecast.line) << done.error();
        }
    }
    for (const auto& [id, forecast] : applied_.forecasts) {
        if (!next.forecasts.contains(id)) {
            registry_.unregister_forecast(id);
        }
    }
    registry_.end_batch();
    CompositeProvider::Providers providers{forecasting_};
    if (next.rules) {
        providers.push_back(next.rules);
    }
    provider_->set(std::move(providers));
    {
        const std::lock_guard applied_lock(applied_mutex_);
        applied_ = std::move(next);
    }
    if (was_running) {
        start_loops();
    }
    return {};
}

std::vector<SourceInfo> Adapter::sources() const
{
    const std::lock_guard lock(applied_mutex_);
    return applied_.sources;
}

std::optional<SeriesRef> Adapter::pass_through_series(const std::string& name) const
{
    const std::lock_guard lock(applied_mutex_);
    const auto it = applied_.metrics.find(name);
    return it == applied_.metrics.end() ? std::nullopt : std::optional(it->second.series);
}

void Adapter::run_once(std::chrono::system_clock::time_point now)
{
    if (applied_.rules) {
        applied_.rules->run_once(now); // discovery and expiry first: the pollers then poll what is subscribed
    }
    for (const auto& poller : registry_.pollers()) {
        poller->run_once(now);
    }
    fitter_.run_once(now);
}

void Adapter::start()
{
    const std::lock_guard lock(apply_mutex_);
    start_loops();
}

void Adapter::mark_ready()
{
    if (!ready_.exchange(true)) {
        IHPA_LOG(info, "adapter") << "ready: every source polled once, history loaded";
    }
}

std::string Adapter::readiness() const
{
    return ready_ ? std::string()
                  : std::string("history not loaded yet: waiting for the first poll of every "
                                "source");
}

void Adapter::stop_loops()
{
    loops_stop_.request_stop(); // a fitter round under way ends after the fits in flight
    loops_.clear();
}

void Adapter::start_loops()
{
    running_ = true;
    loops_stop_ = std::stop_source{};
    const auto pollers = registry_.pollers();
    // The fitter waits for every poller's first round (which backfills), so it does not fit
    // half-loaded histories and every model is fitted in one round.
    auto first_rounds_left = std::make_shared<std::atomic<std::size_t>>(pollers.size());
    if (pollers.empty()) {
        mark_ready();
    }
    for (const auto& poller : pollers) {
        loops_.push_back(std::make_unique<BackgroundLoop>(
            clock_, [this, poller, first_rounds_left, first = true,
                     last_error = std::string()](auto now) mutable {
                const auto next = poller->run_once(now);
                if (first) {
                    if (--*first_rounds_left == 0) {
                        mark_ready();
                    }
                    first = false;
                }
                const PollerStatus status = poller->status();
                if (status.last_error != last_error) {
                    if (status.last_error.empty()) {
                        IHPA_LOG(info, "poller") << "source " << poller->source_name()
                                                 << " recovered";
                    } else {
                        IHPA_LOG(warn, "poller") << "source " << poller->source_name() << ": "
                                                 << status.last_error;
                    }
                    last_error = status.last_error;
                }
                return next;
            }));
    }
    if (applied_.rules) {
        auto interval = std::chrono::milliseconds::max();
        for (const auto& [source, every] : applied_.intervals) {
            interval = std::min(interval, every);
        }
        loops_.push_back(std::make_unique<BackgroundLoop>(
            clock_, [rules = applied_.rules, interval](auto now) {
                rules->run_once(now);
                return now + interval;
            }));
    }
    loops_.push_back(std::make_unique<BackgroundLoop>(clock_, [this, first_rounds_left,
                                                               stop = loops_stop_.get_token()](
                                                                  auto now) {
        if (*first_rounds_left > 0) {
            return now + std::chrono::milliseconds(100);
        }
        const auto start = std::chrono::steady_clock::now();
        const auto fitted = fitter_.run_once(now, stop);
        if (fitted > 0) {
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            timings_.fit_round_seconds = seconds;
            timings_.fit_round_fitted = fitted;
            timings_.fit_round_end = std::chrono::duration<double>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
            IHPA_VLOG(1, "fitter") << "refitted " << fitted << " forecasts in " << seconds << " s";
        }
        return now + options_.fit_tick;
    }));
    if (!options_.state_dir.empty()) {
        loops_.push_back(std::make_unique<BackgroundLoop>(
            clock_, [this, first = true](auto now) mutable {
                if (!first) { // the first round only schedules: nothing new to save at start
                    registry_.prune(now, kUnusedSeriesGrace);
                    if (auto written = save_snapshot(); !written) {
                        IHPA_LOG(error, "snapshot") << written.error();
                    }
                }
                first = false;
                return now + options_.snapshot_interval;
            }));
    }
}

void Adapter::stop()
{
    {
        const std::lock_guard lock(apply_mutex_);
        stop_loops();
        running_ = false;
    }
    if (auto written = save_snapshot(); !written) {
        IHPA_LOG(error, "snapshot") << written.error();
    } else if (!options_.state_dir.empty()) {
        IHPA_LOG(info, "snapshot") << "wrote " << *written << " bytes to "
                                   << snapshot_path(options_.state_dir).string() << " in "
                                   << timings_.snapshot_write_seconds.load() << " s";
    }
}

std::string Adapter::render_metrics() const
{
    std::string out = render_adapter_metrics(registry_, clock_.now());
    const auto gauge = [&out](const char* name, const char* help, double value) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" +
               name + " " + std::to_string(value) + "\n";
    };
    gauge("ihpa_fitter_round_seconds", "Duration of the last fitter round that refitted models.",
          timings_.fit_round_seconds);
    gauge("ihpa_fitter_round_fitted", "Models refitted by that round.",
          static_cast<double>(timings_.fit_round_fitted.load()));
    gauge("ihpa_fitter_round_end_timestamp_seconds", "When that round ended.",
          timings_.fit_round_end);
    gauge("ihpa_snapshot_write_seconds", "Duration of the last history snapshot write.",
          timings_.snapshot_write_seconds);
    gauge("ihpa_snapshot_bytes", "Size of the last history snapshot written.",
          static_cast<double>(timings_.snapshot_bytes.load()));
    gauge("ihpa_snapshot_load_seconds", "Duration of the history snapshot load at start.",
          timings_.snapshot_load_seconds);
    if (log_) {
        out += render_log_metrics(log_->stats(), replayed_);
    }
    return out;
}

} // namespace ihpa::adapter
