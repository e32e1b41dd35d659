#include "apiserver/discovery.hpp"

#include "common/quantity.hpp"
#include "common/time_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ihpa::apiserver {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json group_version_for_discovery()
{
    return {{"groupVersion", kGroupVersion}, {"version", kVersion}};
}

ordered_json api_group_body()
{
    return {{"name", kGroup},
            {"versions", ordered_json::array({group_version_for_discovery()})},
            {"preferredVersion", group_version_for_discovery()}};
}

std::string dump(const ordered_json& doc)
{
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Appends `text` as a JSON string literal: quotes, backslashes and control characters escaped,
/// bytes that are not valid UTF-8 replaced by U+FFFD so the document stays valid.
void append_json_string(std::string& out, std::string_view text)
{
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (plain) {
        out += '"';
        out += text;
        out += '"';
        return;
    }
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string render_api_group_list()
{
    ordered_json doc = {{"kind", "APIGroupList"},
                        {"apiVersion", "v1"},
                        {"groups", ordered_json::array({api_group_body()})}};
    return dump(doc);
}

std::string render_api_group()
{
    ordered_json doc = {{"kind", "APIGroup"}, {"apiVersion", "v1"}};
    doc.update(api_group_body());
    return dump(doc);
}

std::string render_api_resource_list()
{
    ordered_json resource = {{"name", "externalmetrics"},
                             {"singularName", ""},
                             {"namespaced", true},
                             {"kind", "ExternalMetricValueList"},
                             {"verbs", ordered_json::array({"get"})}};
    ordered_json doc = {{"kind", "APIResourceList"},
                        {"apiVersion", "v1"},
                        {"groupVersion", kGroupVersion},
                        {"resources", ordered_json::array({resource})}};
    return dump(doc);
}

std::string render_root_paths()
{
    ordered_json doc = {
        {"paths", ordered_json::array({"/apis", "/apis/external.metrics.k8s.io",
                                       "/apis/external.metrics.k8s.io/v1beta1", "/healthz",
                                       "/livez", "/metrics", "/openapi/v2", "/openapi/v3",
                                       "/readyz", "/version"})}};
    return dump(doc);
}

std::string render_metric_value_list(const std::vector<ExternalMetricValue>& items)
{
    // Written directly rather than through a JSON tree: this is the hot path of every HPA sync,
    // and building an ordered_json per request cost more than the rest of the request.
    std::string out;
    out.reserve(160 + 200 * items.size());
    out += R"({"kind":"ExternalMetricValueList","apiVersion":")";
    out += kGroupVersion;
    out += R"(","metadata":{},"items":[)";
    for (std::size_t i = 0; i < items.size(); ++i) {
        const ExternalMetricValue& item = items[i];
        out += i == 0 ? "{" : ",{";
        out += R"("metricName":)";
        append_json_string(out, item.metric_name);
        out += R"(,"metricLabels":{)";
        bool first = true;
        for (const auto& [key, value] : item.metric_labels) {
            out += first ? "" : ",";
            first = false;
            append_json_string(out, key);
            out += ':';
            append_json_string(out, value);
        }
        out += R"(},"timestamp":")";
        out += common::rfc3339(item.timestamp);
        out += '"';
        if (item.window_seconds) {
            out += R"(,"window":)";
            out += std::to_string(*item.window_seconds);
        }
        out += R"(,"value":")";
        out += common::format_quantity(item.value);
        out += "\"}";
    }
    out += "]}";
    return out;
}

} // namespace ihpa::apiserver
