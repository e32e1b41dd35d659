#include "test/unit/controller/ihpa_fixture.hpp"

#include "common/quantity.hpp"

namespace ihpa::controller::test {

using nlohmann::json;

json ihpa_object(const json& metrics, const json& spec)
{
    json object = {
        {"apiVersion", "ihpa.dev/v1beta1"},
        {"kind", "IntelligentHorizontalPodAutoscaler"},
        {"metadata", {{"namespace", "default"}, {"name", "web"}, {"uid", "uid-web"},
                      {"generation", 3}}},
        {"spec",
         {{"template",
           {{"metadata", {{"labels", {{"team", "shop"}}}}},
            {"spec",
             {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                                  {"name", "web"}}},
              {"minReplicas", 2},
              {"maxReplicas", 10},
              {"metrics", metrics}}}}}}}};
    object["spec"].update(spec);
    return object;
}

json cpu_utilization(int percent)
{
    return {{"type", "Resource"},
            {"resource",
             {{"name", "cpu"},
              {"target", {{"type", "Utilization"}, {"averageUtilization", percent}}}}}};
}

json external_metric(const std::string& name, const std::string& type, const json& value)
{
    json target = {{"type", type}};
    target[type == "Value" ? "value" : "averageValue"] = value;
    return {{"type", "External"},
            {"external",
             {{"metric", {{"name", name}, {"selector", {{"matchLabels", {{"app", "web"}}}}}}},
              {"target", target}}}};
}

SourceCatalog prometheus_catalog()
{
    SourceCatalog catalog;
    catalog.sources = {{"prom", "prometheus"}};
    catalog.pass_through = [](const std::string&, const std::string& name,
                              const json& selector) -> std::optional<SeriesSource> {
        return SeriesSource{"prom", name + selector.dump()};
    };
    return catalog;
}

json stored(const json& hpa)
{
    json object = hpa;
    object["metadata"]["uid"] = "uid-hpa";
    object["metadata"]["resourceVersion"] = "41";
    object["metadata"]["creationTimestamp"] = "2026-12-02T11:00:00Z";
    json& spec = object["spec"];
    if (!spec.contains("minReplicas")) {
        spec["minReplicas"] = 1;
    }
    for (json& metric : spec["metrics"]) {
        for (auto& [type, source] : metric.items()) {
            if (!source.is_object() || !source.contains("target")) {
                continue;
            }
            for (const char* key : {"value", "averageValue"}) {
                if (source["target"].contains(key)) {
                    json& value = source["target"][key];
                    const std::string text = value.is_string() ? value.get<std::string>()
                                                               : value.dump();
                    value = common::format_quantity(*common::parse_quantity(text));
                }
            }
        }
    }
    if (spec.contains("behavior")) {
        json& behavior = spec["behavior"];
        behavior["scaleUp"] = {
            {"stabilizationWindowSeconds", 0},
            {"selectPolicy", "Max"},
            {"policies",
             {{{"type", "Pods"}, {"value", 4}, {"periodSeconds", 15}},
              {{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}}}};
        if (!behavior["scaleDown"].contains("policies")) {
            behavior["scaleDown"]["policies"] = {
                {{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}};
        }
        behavior["scaleDown"]["selectPolicy"] = "Max";
    }
    return object;
}

json condition(const json& status, const std::string& type)
{
    for (const json& each : status.value("conditions", json::array())) {
        if (each["type"] == type) {
            return each;
        }
    }
    return nullptr;
}

ReconcileInput input_for(const json& ihpa)
{
    ReconcileInput input;
    input.ihpa = ihpa;
    const ObservedContainer container{"web", {{"cpu", 0.5}, {"memory", 268435456.0}}};
    input.pods = std::vector<ObservedPod>{{"web-7d4b9c-abcde", true, {container}},
                                          {"web-7d4b9c-fghij", true, {container}}};
    input.catalog = prometheus_catalog();
    input.now = std::chrono::system_clock::time_point(std::chrono::seconds(1796212800));
    return input;
}

ForecastStatus fitted_forecast()
{
    ForecastStatus status;
    status.state = "forecast";
    status.current = 120.0;
    status.served = 150.5;
    status.model = "holtWinters";
    status.rel_mae = 0.62;
    status.coverage = 0.81;
    status.last_fit = std::chrono::system_clock::time_point(std::chrono::seconds(1796212500));
    return status;
}

} // namespace ihpa::controller::test
