#pragma once

#include <string>
#include <string_view>

namespace ihpa::kube {

/// A resource type of the API: its group (empty for the core group), version and plural name.
struct ResourceType {
    std::string group;   ///< "" (core, under /api) or e.g. "coordination.k8s.io" (under /apis)
    std::string version; ///< "v1"
    std::string plural;  ///< "configmaps", "leases"
    bool namespaced = true;

    /// "v1" or "group/version", as an object's apiVersion.
    [[nodiscard]] std::string api_version() const;
};

/// Core ConfigMaps (v1).
[[nodiscard]] ResourceType config_maps();
/// coordination.k8s.io/v1 Leases.
[[nodiscard]] ResourceType leases();
/// events.k8s.io/v1 Events.
[[nodiscard]] ResourceType events();

/// The URL path of a collection (`name` empty) or an object, optionally of its `subresource`:
/// `/api/v1/namespaces/{ns}/configmaps/{name}` or `/apis/{group}/{version}/{plural}/{name}/status`.
/// `ns` is ignored for cluster-scoped types; empty for a namespaced type means all namespaces
/// (for lists and watches).
[[nodiscard]] std::string resource_path(const ResourceType& type, std::string_view ns,
                                        std::string_view name = {}, std::string_view subresource = {});

} // namespace ihpa::kube
