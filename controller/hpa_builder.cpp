#include "controller/hpa_builder.hpp"

#include "controller/forecast_plan.hpp"
#include "common/quantity.hpp"

#include <algorithm>

namespace ihpa::controller {
namespace {

using nlohmann::json;

/// Scaling rules with the API's defaults for the omitted parts (k8s.io/kubernetes
/// pkg/apis/autoscaling/v2/defaults.go, `GenerateHPAScaleUpRules` / `GenerateHPAScaleDownRules`):
/// scale-up stabilization 0, policies Pods 4 and Percent 100 per 15 s; scale-down without a
/// stabilization window (the controller's flag applies), policy Percent 100 per 15 s; both
/// `selectPolicy: Max`.
json default_rules(json rules, bool scale_up)
{
    if (!rules.is_object()) {
        rules = json::object();
    }
    if (scale_up && !rules.contains("stabilizationWindowSeconds")) {
        rules["stabilizationWindowSeconds"] = 0;
    }
    if (!rules.contains("selectPolicy")) {
        rules["selectPolicy"] = "Max";
    }
    if (!rules.contains("policies") || rules["policies"].empty()) {
        rules["policies"] =
            scale_up ? json::array({{{"type", "Pods"}, {"value", 4}, {"periodSeconds", 15}},
                                    {{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}})
                     : json::array({{{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}});
    }
    return rules;
}

/// A Quantity (text or number) as its canonical text, or unchanged when it is not one.
json canonical_quantity(const json& value)
{
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (const auto parsed = common::parse_quantity(text)) {
        return common::format_quantity(*parsed);
    }
    return value;
}

/// An HPA spec as the apiserver stores it: defaults applied, quantities canonical, metrics in
/// one order.
json normalized_spec(json spec)
{
    if (!spec.is_object()) {
        return spec;
    }
    if (!spec.contains("minReplicas")) {
        spec["minReplicas"] = 1;
    }
    if (spec.contains("behavior") && spec["behavior"].is_object()) {
        json& behavior = spec["behavior"];
        behavior["scaleUp"] = default_rules(behavior.value("scaleUp", json()), true);
        behavior["scaleDown"] = default_rules(behavior.value("scaleDown", json()), false);
    }
    if (spec.contains("metrics") && spec["metrics"].is_array()) {
        for (json& metric : spec["metrics"]) {
            for (auto& [type, source] : metric.items()) {
                if (!source.is_object() || !source.contains("target") ||
                    !source["target"].is_object()) {
                    continue;
                }
                for (const char* key : {"value", "averageValue"}) {
                    if (source["target"].contains(key)) {
                        source["target"][key] = canonical_quantity(source["target"][key]);
                    }
                }
            }
        }
        // The HPA takes the maximum over its metrics, so their order means nothing, and the
        // apiserver does not keep it: 1.26 stores HPAs as autoscaling/v1, whose round trip
        // moves a cpu Utilization metric behind the others.
        std::sort(spec["metrics"].begin(), spec["metrics"].end(),
                  [](const json& a, const json& b) { return a.dump() < b.dump(); });
    }
    return spec;
}

/// True when every entry of `wanted` (a string map or null) is in `actual` with that value.
bool has_entries(const json& actual, const json& wanted)
{
    if (!wanted.is_object()) {
        return true;
    }
    for (const auto& [key, value] : wanted.items()) {
        if (!actual.is_object() || !actual.contains(key) || actual[key] != value) {
            return false;
        }
    }
    return true;
}

/// The controller ownerReference of `hpa`'s desired form (there is exactly one).
const json& our_reference(const json& hpa)
{
    return hpa["metadata"]["ownerReferences"][0];
}

} // namespace

std::string hpa_name(const std::string& ihpa_name)
{
    return "ihpa-" + ihpa_name;
}

json forecast_metric(const std::string& ihpa, const std::string& key, TargetType target,
                     const json& value)
{
    json labels = json::object();
    for (const auto& [label, text] : forecast_labels(ihpa, key)) {
        labels[label] = text;
    }
    json goal = target == TargetType::Value ? json{{"type", "Value"}, {"value", value}}
                                            : json{{"type", "AverageValue"}, {"averageValue", value}};
    return {{"type", "External"},
            {"external",
             {{"metric", {{"name", kForecastMetricName}, {"selector", {{"matchLabels", labels}}}}},
              {"target", goal}}}};
}

json desired_hpa(const Ihpa& ihpa, const std::vector<json>& forecast_metrics,
                 std::int32_t schedule_floor)
{
    json metadata = ihpa.template_metadata;
    metadata["name"] = hpa_name(ihpa.name);
    metadata["namespace"] = ihpa.namespace_;
    metadata["ownerReferences"] = json::array({{{"apiVersion", kIhpaApiVersion},
                                                {"kind", kIhpaKind},
                                                {"name", ihpa.name},
                                                {"uid", ihpa.uid},
                                                {"controller", true},
                                                {"blockOwnerDeletion", true}}});
    json spec = ihpa.template_spec;
    for (const json& metric : forecast_metrics) {
        spec["metrics"].push_back(metric);
    }
    const json min = spec.value("minReplicas", json(1));
    const json max = spec.value("maxReplicas", json());
    if (schedule_floor > 0 && min.is_number_integer() && schedule_floor > min.get<std::int64_t>()) {
        spec["minReplicas"] = max.is_number_integer()
                                  ? std::min<std::int64_t>(schedule_floor, max.get<std::int64_t>())
                                  : std::int64_t{schedule_floor};
    }
    return {{"apiVersion", "autoscaling/v2"},
            {"kind", "HorizontalPodAutoscaler"},
            {"metadata", metadata},
            {"spec", spec}};
}

bool owned_by(const json& hpa, const std::string& uid)
{
    const json references = hpa.value("metadata", json::object()).value("ownerReferences", json());
    if (!references.is_array()) {
        return false;
    }
    for (const json& reference : references) {
        if (reference.is_object() && reference.value("uid", json()) == uid &&
            reference.value("controller", json()) == true) {
            return true;
        }
    }
    return false;
}

bool hpa_matches(const json& observed, const json& desired)
{
    const json metadata = observed.value("metadata", json::object());
    const json& wanted = desired["metadata"];
    return owned_by(observed, our_reference(desired)["uid"].get<std::string>()) &&
           has_entries(metadata.value("labels", json()), wanted.value("labels", json())) &&
           has_entries(metadata.value("annotations", json()),
                       wanted.value("annotations", json())) &&
           normalized_spec(observed.value("spec", json())) ==
               normalized_spec(desired["spec"]);
}

json hpa_update(const json& observed, const json& desired)
{
    json update = desired;
    const json metadata = observed.value("metadata", json::object());
    json& out = update["metadata"];
    if (metadata.contains("resourceVersion")) {
        out["resourceVersion"] = metadata["resourceVersion"];
    }
    for (const char* key : {"labels", "annotations"}) {
        json merged = metadata.value(key, json::object());
        if (!merged.is_object()) {
            merged = json::object();
        }
        merged.update(desired["metadata"].value(key, json::object()));
        if (!merged.empty()) {
            out[key] = merged;
        }
    }
    const json& ours = our_reference(desired);
    for (const json& reference : metadata.value("ownerReferences", json::array())) {
        if (reference.is_object() && reference.value("uid", json()) != ours["uid"] &&
            reference.value("controller", json()) != true) {
            out["ownerReferences"].push_back(reference);
        }
    }
    return update;
}

} // namespace ihpa::controller
