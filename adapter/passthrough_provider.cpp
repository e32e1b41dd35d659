#include "adapter/passthrough_provider.hpp"

#include <algorithm>
#include <cctype>

namespace ihpa::adapter {

PassthroughProvider::PassthroughProvider(std::map<std::string, Entry> metrics, const Clock& clock)
    : metrics_(metrics.begin(), metrics.end()), clock_(clock)
{
    for (const auto& [name, entry] : metrics_) {
        listing_.push_back(apiserver::ExternalMetricInfo{name});
    }
}

std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
PassthroughProvider::get_external_metric(std::string_view ns,
                                         const apiserver::LabelSelector& selector,
                                         const apiserver::ExternalMetricInfo& info) const
{
    std::string name = info.metric;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto it = metrics_.find(name);
    if (it == metrics_.end() || !selector.matches(it->second.labels)) {
        return std::unexpected(apiserver::metric_not_found(info.metric, ns));
    }
    const auto sample = it->second.source->latest(clock_.now());
    if (!sample) {
        return std::unexpected(
            apiserver::service_unavailable("the metric " + name + " has no value yet"));
    }
    return std::vector<apiserver::ExternalMetricValue>{
        {name, it->second.labels, sample->time, std::nullopt, sample->value}};
}

std::vector<apiserver::ExternalMetricInfo> PassthroughProvider::list_external_metrics() const
{
    return listing_;
}

} // namespace ihpa::adapter
