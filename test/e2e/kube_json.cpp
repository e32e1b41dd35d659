#include "test/e2e/kube_json.hpp"

namespace ihpa::test {

using nlohmann::json;

json parsed(const CommandResult& result)
{
    return result.status == 0 ? json::parse(result.output, nullptr, false) : json();
}

ObjectPoll object_until(ControlPlane& plane, const std::string& what,
                        const std::function<bool(const json&)>& accept, std::chrono::seconds timeout)
{
    const PollResult polled = plane.kubectl_until(
        "get " + what + " -o json", [&](const CommandResult& result) { return accept(parsed(result)); },
        timeout);
    return {polled.met, parsed(polled.last), polled.last.output};
}

int forecast_entry(const json& hpa, const std::string& key)
{
    if (!hpa.is_object() || !hpa.contains("spec") || !hpa["spec"].contains("metrics")) {
        return -1;
    }
    const json& metrics = hpa["spec"]["metrics"];
    for (std::size_t i = 0; i < metrics.size(); ++i) {
        const json external = metrics[i].value("external", json::object());
        const json metric = external.value("metric", json::object());
        const json labels = metric.value("selector", json::object()).value("matchLabels", json::object());
        if (metric.value("name", "") == "ihpa-forecast" &&
            (key.empty() || labels.value("ihpa.dev/metric", "") == key)) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

} // namespace ihpa::test
