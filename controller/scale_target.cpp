#include "controller/scale_target.hpp"

#include "common/quantity.hpp"

namespace ihpa::controller {
namespace {

/// Core pods (v1).
kube::ResourceType pods()
{
    return {"", "v1", "pods", true};
}

} // namespace

ObservedPod observe_pod(const kube::Json& pod)
{
    ObservedPod observed;
    const kube::Json metadata = pod.value("metadata", kube::Json::object());
    observed.name = metadata.value("name", "");
    const std::string phase = pod.value("status", kube::Json::object()).value("phase", "");
    observed.live = !metadata.contains("deletionTimestamp") && phase != "Succeeded" && phase != "Failed";
    const kube::Json containers = pod.value("spec", kube::Json::object()).value("containers", kube::Json::array());
    for (const kube::Json& container : containers) {
        if (!container.is_object()) {
            continue;
        }
        ObservedContainer each;
        each.name = container.value("name", "");
        const kube::Json requests =
            container.value("resources", kube::Json::object()).value("requests", kube::Json::object());
        for (const auto& [resource, quantity] : requests.items()) {
            const std::string text = quantity.is_string() ? quantity.get<std::string>() : quantity.dump();
            if (const auto value = common::parse_quantity(text)) {
                each.requests[resource] = *value;
            }
        }
        observed.containers.push_back(std::move(each));
    }
    return observed;
}

ScaleTargetReader::ScaleTargetReader(kube::KubeClient& client) : client_(client) {}

std::expected<std::map<std::string, kube::ResourceType>, kube::KubeError>
ScaleTargetReader::discover(const std::string& api_version)
{
    const auto slash = api_version.find('/');
    const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    const std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
    auto text = client_.get_text(group.empty() ? "/api/" + version : "/apis/" + api_version);
    if (!text) {
        return std::unexpected(text.error());
    }
    const kube::Json document = kube::Json::parse(*text, nullptr, false);
    std::map<std::string, kube::ResourceType> kinds;
    if (!document.is_object() || !document.value("resources", kube::Json()).is_array()) {
        return kinds;
    }
    std::map<std::string, bool> has_scale;
    for (const kube::Json& resource : document["resources"]) {
        const std::string name = resource.value("name", "");
        if (const auto sub = name.find('/'); sub != std::string::npos && name.substr(sub + 1) == "scale") {
            has_scale[name.substr(0, sub)] = true;
        }
    }
    for (const kube::Json& resource : document["resources"]) {
        const std::string name = resource.value("name", "");
        if (name.find('/') == std::string::npos && has_scale.contains(name)) {
            kinds[resource.value("kind", "")] = {group, version, name, resource.value("namespaced", true)};
        }
    }
    return kinds;
}

std::expected<std::optional<kube::ResourceType>, kube::KubeError>
ScaleTargetReader::resource_of(const std::string& api_version, const std::string& kind)
{
    {
        const std::lock_guard lock(mutex_);
        if (const auto known = kinds_.find(api_version); known != kinds_.end()) {
            if (const auto it = known->second.find(kind); it != known->second.end()) {
                return it->second;
            }
        }
    }
    auto kinds = discover(api_version);
    if (!kinds) {
        if (kinds.error().not_found()) {
            return std::nullopt; // the group version is not served
        }
        return std::unexpected(kinds.error());
    }
    const std::lock_guard lock(mutex_);
    auto& known = kinds_[api_version] = std::move(*kinds);
    const auto it = known.find(kind);
    return it == known.end() ? std::nullopt : std::optional(it->second);
}

std::expected<std::optional<ObservedTarget>, kube::KubeError>
ScaleTargetReader::read(const std::string& ns, const kube::Json& ref, std::string& missing)
{
    const std::string api_version = ref.value("apiVersion", "");
    const std::string kind = ref.value("kind", "");
    const std::string name = ref.value("name", "");
    const std::string what = kind + " " + ns + "/" + name;
    auto resource = resource_of(api_version, kind);
    if (!resource) {
        return std::unexpected(resource.error());
    }
    if (!*resource) {
        missing = "the API serves no kind " + kind + " with a scale subresource in " + api_version;
        return std::nullopt;
    }
    auto scale = client_.get(**resource, ns, name, "scale");
    if (!scale) {
        if (scale.error().not_found()) {
            missing = "the scale target " + what + " does not exist";
            return std::nullopt;
        }
        return std::unexpected(scale.error());
    }
    ObservedTarget target;
    target.selector = scale->value("status", kube::Json::object()).value("selector", "");
    target.replicas = scale->value("spec", kube::Json::object()).value("replicas", std::int64_t{0});
    if (target.selector.empty()) {
        // A Scale without a selector selects no pod (the HPA controller refuses it too).
        return target;
    }
    kube::ListOptions options;
    options.label_selector = target.selector;
    options.resource_version = "0"; // the watch cache is recent enough for request sums
    auto listed = client_.list_all(pods(), ns, options);
    if (!listed) {
        return std::unexpected(listed.error());
    }
    for (const kube::Json& pod : (*listed)["items"]) {
        target.pods.push_back(observe_pod(pod));
    }
    return target;
}

} // namespace ihpa::controller
