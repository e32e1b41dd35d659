#include "adapter/assemble.hpp"

#include "adapter/passthrough_provider.hpp"
#include "adapter/source/replay.hpp"
#include "backtest/trace_csv.hpp"

#include <map>

namespace ihpa::adapter {

std::expected<std::unique_ptr<apiserver::ExternalMetricsProvider>, std::string>
assemble_provider(const AdapterConfig& config, const std::string& origin,
                  const FileResolver& resolve, const Clock& clock)
{
    std::map<std::string, std::shared_ptr<const LatestValueSource>> sources;
    for (const SourceConfig& source : config.sources) {
        const std::string where = origin + ":" + std::to_string(source.line) + ": source " +
                                  source.name + ": ";
        if (source.replay) {
            auto text = resolve(source.replay->file);
            if (!text) {
                return std::unexpected(where + text.error());
            }
            auto trace = backtest::parse_trace_csv(*text, source.replay->file);
            if (!trace) {
                return std::unexpected(where + trace.error().message);
            }
            sources[source.name] =
                std::make_shared<ReplaySource>(std::move(trace->series), source.replay->speedup);
        }
    }
    std::map<std::string, PassthroughProvider::Entry> metrics;
    for (const MetricConfig& metric : config.metrics) {
        metrics[metric.name] = PassthroughProvider::Entry{sources.at(metric.source), metric.labels};
    }
    return std::make_unique<PassthroughProvider>(std::move(metrics), clock);
}

} // namespace ihpa::adapter
