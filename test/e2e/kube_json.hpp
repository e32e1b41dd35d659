#pragma once

#include "test/support/control_plane.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace ihpa::test {

/// `kubectl ... -o json` (or `get --raw`) output, parsed; null when the command failed or its
/// output is not JSON.
[[nodiscard]] nlohmann::json parsed(const CommandResult& result);

/// How a wait on a Kubernetes object ended: whether `accept` held in time, the object last read
/// (null when it could not be read) and the output of the last `kubectl get`.
struct ObjectPoll {
    bool met = false;
    nlohmann::json object;
    std::string output;
};

/// Polls `kubectl get <what> -o json` on `plane` until `accept` holds for the parsed object (null
/// when it could not be read) or `timeout` has passed.
[[nodiscard]] ObjectPoll object_until(ControlPlane& plane, const std::string& what,
                                      const std::function<bool(const nlohmann::json&)>& accept,
                                      std::chrono::seconds timeout);

/// The index in an HPA's spec.metrics of the External entry `ihpa-forecast` injected for the
/// metric `key` (label `ihpa.dev/metric`), or of the first such entry when `key` is empty; -1
/// when there is none.
[[nodiscard]] int forecast_entry(const nlohmann::json& hpa, const std::string& key = "");

} // namespace ihpa::test
