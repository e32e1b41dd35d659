#include "adapter/serving/forecasting_provider.hpp"

#include "adapter/serving/data_age.hpp"

namespace ihpa::adapter {
namespace {

/// The latest pass-through value, or why it cannot be served.
std::expected<Sample, std::string> passthrough_value(const ServingEntry& entry,
                                                     std::chrono::system_clock::time_point now)
{
    const auto latest = entry.passthrough->latest();
    if (!latest) {
        return std::unexpected("no data has been received yet");
    }
    if (auto reason = too_old(latest->time, now, entry.max_age)) {
        return std::unexpected(std::move(*reason));
    }
    return *latest;
}

} // namespace

bool reaches(const ServingEntry& entry, std::string_view ns, const apiserver::LabelSelector& selector)
{
    return (!entry.only_namespace || *entry.only_namespace == ns) && selector.matches(entry.labels);
}

ForecastingProvider::ForecastingProvider(const ForecastRegistry& registry, const Clock& clock)
    : registry_(registry), clock_(clock)
{
}

std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
ForecastingProvider::get_external_metric(std::string_view ns,
                                         const apiserver::LabelSelector& selector,
                                         const apiserver::ExternalMetricInfo& info) const
{
    const std::string& name = info.metric;
    const auto table = registry_.table();
    const auto found = table->find(name);
    if (found == table->end()) {
        return std::unexpected(apiserver::metric_not_found(info.metric, ns));
    }
    const auto now = clock_.now();
    std::vector<apiserver::ExternalMetricValue> items;
    std::string unavailable;
    for (const ServingEntry& entry : found->second) {
        if (!reaches(entry, ns, selector)) {
            continue;
        }
        if (entry.forecast) {
            const auto served = entry.forecast->serve(now);
            if (served) {
                items.push_back({name, entry.labels, served->data_time, std::nullopt, served->value});
            } else {
                unavailable = served.error();
            }
        } else {
            const auto sample = passthrough_value(entry, now);
            if (sample) {
                items.push_back({name, entry.labels, sample->time, std::nullopt, sample->value});
            } else {
                unavailable = sample.error();
            }
        }
    }
    if (!items.empty()) {
        return items;
    }
    if (!unavailable.empty()) {
        return std::unexpected(apiserver::service_unavailable(
            "the metric " + name + " cannot be served now: " + unavailable));
    }
    return std::unexpected(apiserver::metric_not_found(info.metric, ns));
}

std::vector<apiserver::ExternalMetricInfo> ForecastingProvider::list_external_metrics() const
{
    std::vector<apiserver::ExternalMetricInfo> out;
    for (const auto& [name, entries] : *registry_.table()) {
        out.push_back({name});
    }
    return out;
}

} // namespace ihpa::adapter
