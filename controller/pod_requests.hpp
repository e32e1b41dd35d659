#pragma once

#include <expected>
#include <map>
#include <string>
#include <vector>

namespace ihpa::controller {

/// A container of a live pod with its resource requests, in base units (cpu in cores, memory
/// in bytes), as the Kubernetes client read them (`spec.containers[].resources.requests`).
struct ObservedContainer {
    std::string name;
    std::map<std::string, double> requests; ///< resource name -> amount; absent: no request
};

/// A pod of the scale target (matched by its selector).
struct ObservedPod {
    std::string name;
    /// False for pods the HPA ignores: being deleted, or phase Succeeded or Failed.
    bool live = true;
    std::vector<ObservedContainer> containers; ///< `spec.containers`, init containers excluded
};

/// The mean over live pods of the sum of `resource` requests over their containers (all of
/// them, or only `container` when it is not empty), as the HPA computes the base of a
/// Utilization target. Fails, naming the pod and container, when a container has no request
/// for the resource (the HPA cannot compute the utilization either), or when no pod is live.
[[nodiscard]] std::expected<double, std::string>
mean_pod_request(const std::vector<ObservedPod>& pods, const std::string& resource,
                 const std::string& container);

} // namespace ihpa::controller
