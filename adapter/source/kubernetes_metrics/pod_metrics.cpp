#include "adapter/source/kubernetes_metrics/pod_metrics.hpp"

#include "common/quantity.hpp"

#include <nlohmann/json.hpp>

namespace ihpa::adapter::kubernetes_metrics {
namespace {

using json = nlohmann::json;

std::string text_of(const json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The name a message gives a pod: `namespace/name`, or its index when it has no name.
std::string pod_label(const json& item, std::size_t index)
{
    const auto metadata = item.find("metadata");
    if (metadata == item.end() || !metadata->is_object() || text_of(*metadata, "name").empty()) {
        return "item " + std::to_string(index);
    }
    const std::string ns = text_of(*metadata, "namespace");
    return (ns.empty() ? "" : ns + "/") + text_of(*metadata, "name");
}

} // namespace

std::expected<UsageSum, std::string> sum_pod_usage(std::string_view body, const ResourceUsageQuery& query)
{
    const json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded() || !document.is_object()) {
        return std::unexpected("the answer is not a JSON object");
    }
    if (text_of(document, "kind") != "PodMetricsList") {
        return std::unexpected("the answer is not a PodMetricsList (kind \"" + text_of(document, "kind") + "\")");
    }
    const auto items = document.find("items");
    if (items == document.end() || items->is_null()) {
        return UsageSum{};
    }
    if (!items->is_array()) {
        return std::unexpected("\"items\" is not a list");
    }
    const char* resource = query.resource == Resource::Cpu ? "cpu" : "memory";
    UsageSum sum;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const json& item = (*items)[i];
        const auto containers = item.is_object() ? item.find("containers") : item.end();
        if (!item.is_object() || containers == item.end() || !containers->is_array()) {
            return std::unexpected(pod_label(item, i) + " has no \"containers\" list");
        }
        bool counted = false;
        for (const json& container : *containers) {
            const std::string name = container.is_object() ? text_of(container, "name") : std::string();
            if (query.container && name != *query.container) {
                continue;
            }
            const auto usage = container.is_object() ? container.find("usage") : container.end();
            if (usage == container.end() || !usage->is_object() || !usage->contains(resource)) {
                continue;
            }
            const json& value = (*usage)[resource];
            const auto parsed = value.is_string() ? common::parse_quantity(value.get<std::string>())
                                                  : std::expected<double, common::QuantityError>(
                                                        std::unexpected(common::QuantityError{"not a string"}));
            if (!parsed) {
                return std::unexpected(pod_label(item, i) + " container \"" + name + "\": " + resource +
                                       " usage is not a quantity: " + parsed.error().message);
            }
            sum.total += *parsed;
            counted = true;
        }
        sum.pods += counted ? 1 : 0;
    }
    return sum;
}

} // namespace ihpa::adapter::kubernetes_metrics
