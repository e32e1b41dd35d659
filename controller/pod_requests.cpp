#include "controller/pod_requests.hpp"

namespace ihpa::controller {

std::expected<double, std::string> mean_pod_request(const std::vector<ObservedPod>& pods,
                                                     const std::string& resource,
                                                     const std::string& container)
{
    double total = 0.0;
    std::size_t live = 0;
    for (const ObservedPod& pod : pods) {
        if (!pod.live) {
            continue;
        }
        ++live;
        bool found = container.empty();
        for (const ObservedContainer& each : pod.containers) {
            if (!container.empty() && each.name != container) {
                continue;
            }
            found = true;
            const auto request = each.requests.find(resource);
            if (request == each.requests.end()) {
                return std::unexpected("container " + each.name + " of pod " + pod.name +
                                       " has no " + resource + " request");
            }
            total += request->second;
        }
        if (!found) {
            return std::unexpected("pod " + pod.name + " has no container " + container);
        }
    }
    if (live == 0) {
        return std::unexpected("the scale target has no live pods to read " + resource +
                               " requests from");
    }
    return total / static_cast<double>(live);
}

} // namespace ihpa::controller
