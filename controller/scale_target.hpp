#pragma once

#include "controller/pod_requests.hpp"
#include "kube/client.hpp"

#include <cstdint>
#include <expected>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::controller {

/// An IHPA's scale target as one round read it, through its `scale` subresource (any kind
/// that has one: Deployments, StatefulSets, ReplicaSets, custom resources) like the HPA
/// controller does.
struct ObservedTarget {
    std::string selector;       ///< the Scale's `status.selector` (label selector text)
    std::int64_t replicas = 0;  ///< the Scale's `spec.replicas`
    std::vector<ObservedPod> pods; ///< the pods the selector matches, in the target's namespace
};

/// The pod as the reconciler reads it: live unless being deleted or Succeeded/Failed, with
/// each container's requests in base units (quantities that do not parse are left out, so the
/// container counts as having no request for that resource).
[[nodiscard]] ObservedPod observe_pod(const kube::Json& pod);

/// Reads scale targets: maps `apiVersion` + `kind` to the resource through API discovery
/// (cached per group version, refreshed when a kind is not found), reads its `scale`, then
/// lists the pods of the selector. Thread-safe.
class ScaleTargetReader {
public:
    /// `client` must outlive the reader.
    explicit ScaleTargetReader(kube::KubeClient& client);

    /// The target `ref` (an HPA `scaleTargetRef`: apiVersion, kind, name) in `ns`; nullopt
    /// with `missing` set to why when it cannot be found (unknown kind, no scale subresource,
    /// 404); errors are failed calls worth retrying.
    [[nodiscard]] std::expected<std::optional<ObservedTarget>, kube::KubeError>
    read(const std::string& ns, const kube::Json& ref, std::string& missing);

private:
    /// The resource of `kind` in `api_version` that has a scale subresource; nullopt when
    /// discovery lists none.
    std::expected<std::optional<kube::ResourceType>, kube::KubeError>
    resource_of(const std::string& api_version, const std::string& kind);
    /// Fetches the discovery document of `api_version`: kind → resource.
    std::expected<std::map<std::string, kube::ResourceType>, kube::KubeError>
    discover(const std::string& api_version);

    kube::KubeClient& client_;
    std::mutex mutex_;
    std::map<std::string, std::map<std::string, kube::ResourceType>> kinds_; ///< by apiVersion
};

} // namespace ihpa::controller
