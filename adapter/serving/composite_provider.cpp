#include "adapter/serving/composite_provider.hpp"

#include <algorithm>

namespace ihpa::adapter {

CompositeProvider::CompositeProvider(Providers providers)
{
    set(std::move(providers));
}

void CompositeProvider::set(Providers providers)
{
    providers_.store(std::make_shared<const Providers>(std::move(providers)));
}

std::expected<std::vector<apiserver::ExternalMetricValue>, apiserver::ApiError>
CompositeProvider::get_external_metric(std::string_view ns, const apiserver::LabelSelector& selector,
                                       const apiserver::ExternalMetricInfo& info) const
{
    const auto providers = providers_.load();
    std::optional<apiserver::ApiError> not_found;
    for (const auto& provider : *providers) {
        auto answer = provider->get_external_metric(ns, selector, info);
        if (answer || answer.error().code != 404) {
            return answer;
        }
        if (!not_found) {
            not_found = std::move(answer.error());
        }
    }
    return std::unexpected(not_found ? *not_found : apiserver::metric_not_found(info.metric, ns));
}

std::vector<apiserver::ExternalMetricInfo> CompositeProvider::list_external_metrics() const
{
    std::vector<apiserver::ExternalMetricInfo> all;
    for (const auto& provider : *providers_.load()) {
        auto listed = provider->list_external_metrics();
        all.insert(all.end(), listed.begin(), listed.end());
    }
    std::sort(all.begin(), all.end(),
              [](const auto& a, const auto& b) { return a.metric < b.metric; });
    all.erase(std::unique(all.begin(), all.end(),
                          [](const auto& a, const auto& b) { return a.metric == b.metric; }),
              all.end());
    return all;
}

} // namespace ihpa::adapter
