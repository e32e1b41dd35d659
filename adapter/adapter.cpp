#include "adapter/adapter.hpp"

#include "adapter/adapter_metrics.hpp"
#include "apiserver/log.hpp"

namespace ihpa::adapter {
namespace {

/// Series nobody registered again within this long after a restart are dropped.
constexpr std::chrono::seconds kUnusedSeriesGrace(3600);

} // namespace

Adapter::Adapter(const Clock& clock, AdapterOptions options)
    : clock_(clock), options_(std::move(options)), registry_(store_),
      provider_(registry_, clock_), fitter_(registry_, options_.fit_workers)
{
}

Adapter::~Adapter()
{
    loops_.clear();
}

std::expected<SnapshotLoad, std::string> Adapter::load_snapshot()
{
    if (options_.state_dir.empty()) {
        return SnapshotLoad{};
    }
    return adapter::load_snapshot(store_, options_.state_dir);
}

std::expected<std::size_t, std::string> Adapter::save_snapshot()
{
    if (options_.state_dir.empty()) {
        return 0;
    }
    return write_snapshot(store_, options_.state_dir);
}

std::expected<void, std::string> Adapter::apply(const AdapterConfig& config,
                                                const std::string& origin,
                                                const FileResolver& resolve)
{
    const SourceContext context{resolve, clock_};
    std::vector<std::shared_ptr<Poller>> pollers;
    for (const SourceConfig& source : config.sources) {
        auto built = source.factory(context);
        if (!built) {
            return std::unexpected(origin + ":" + std::to_string(source.line) + ": source " +
                                   source.name + ": " + built.error());
        }
        pollers.push_back(std::make_shared<Poller>(source.name, std::move(*built), source.interval,
                                                   options_.seed + pollers.size()));
    }
    for (auto& poller : pollers) {
        registry_.add_poller(std::move(poller));
    }
    const auto interval_of = [&](const std::string& source) {
        for (const SourceConfig& s : config.sources) {
            if (s.name == source) {
                return s.interval;
            }
        }
        return std::chrono::milliseconds(30000);
    };
    for (const MetricConfig& metric : config.metrics) {
        if (auto done = registry_.register_metric(metric, interval_of(metric.series.source)); !done) {
            return std::unexpected(origin + ":" + std::to_string(metric.line) + ": " + done.error());
        }
    }
    for (const ForecastConfig& forecast : config.forecasts) {
        if (auto done = registry_.register_forecast(forecast); !done) {
            return std::unexpected(origin + ":" + std::to_string(forecast.line) + ": " +
                                   done.error());
        }
    }
    return {};
}

void Adapter::run_once(std::chrono::system_clock::time_point now)
{
    for (const auto& poller : registry_.pollers()) {
        poller->run_once(now);
    }
    fitter_.run_once(now);
}

void Adapter::start()
{
    for (const auto& poller : registry_.pollers()) {
        loops_.push_back(std::make_unique<BackgroundLoop>(
            clock_, [poller, last_error = std::string()](auto now) mutable {
                const auto next = poller->run_once(now);
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
    loops_.push_back(std::make_unique<BackgroundLoop>(clock_, [this](auto now) {
        const auto fitted = fitter_.run_once(now);
        if (fitted > 0) {
            IHPA_VLOG(1, "fitter") << "refitted " << fitted << " forecasts";
        }
        return now + options_.fit_tick;
    }));
    if (!options_.state_dir.empty()) {
        loops_.push_back(std::make_unique<BackgroundLoop>(clock_, [this](auto now) {
            registry_.prune(now, kUnusedSeriesGrace);
            if (auto written = save_snapshot(); !written) {
                IHPA_LOG(error, "snapshot") << written.error();
            }
            return now + options_.snapshot_interval;
        }));
    }
}

void Adapter::stop()
{
    loops_.clear();
    if (auto written = save_snapshot(); !written) {
        IHPA_LOG(error, "snapshot") << written.error();
    } else if (!options_.state_dir.empty()) {
        IHPA_LOG(info, "snapshot") << "wrote " << *written << " bytes to "
                                   << snapshot_path(options_.state_dir).string();
    }
}

std::string Adapter::render_metrics() const
{
    return render_adapter_metrics(registry_, clock_.now());
}

} // namespace ihpa::adapter
