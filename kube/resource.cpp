#include "kube/resource.hpp"

namespace ihpa::kube {

std::string ResourceType::api_version() const { return group.empty() ? version : group + "/" + version; }

ResourceType config_maps() { return {"", "v1", "configmaps", true}; }
ResourceType leases() { return {"coordination.k8s.io", "v1", "leases", true}; }
ResourceType events() { return {"events.k8s.io", "v1", "events", true}; }

std::string resource_path(const ResourceType& type, std::string_view ns, std::string_view name,
                          std::string_view subresource)
{
    std::string path = type.group.empty() ? "/api/" + type.version
                                          : "/apis/" + type.group + "/" + type.version;
    if (type.namespaced && !ns.empty()) {
        path += "/namespaces/" + std::string(ns);
    }
    path += "/" + type.plural;
    if (!name.empty()) {
        path += "/" + std::string(name);
        if (!subresource.empty()) {
            path += "/" + std::string(subresource);
        }
    }
    return path;
}

} // namespace ihpa::kube
