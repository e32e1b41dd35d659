#pragma once

#include "controller/ihpa.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ihpa::controller {

/// The name of the HPA an IHPA manages: `ihpa-<name>`.
[[nodiscard]] std::string hpa_name(const std::string& ihpa_name);

/// The HPA metric entry that reads a forecast: External `ihpa-forecast` with the selector
/// `ihpa.dev/name=<ihpa>,ihpa.dev/metric=<key>` and a `Value` or `AverageValue` target of
/// `value` (a Quantity, text or number).
[[nodiscard]] nlohmann::json forecast_metric(const std::string& ihpa, const std::string& key,
                                             TargetType target, const nlohmann::json& value);

/// The autoscaling/v2 HPA an IHPA asks for: `ihpa-<name>` in its namespace, the template's
/// labels, annotations and spec verbatim with `forecast_metrics` appended to its metrics, and
/// a controller ownerReference to the IHPA (so it is garbage collected with it). A
/// `schedule_floor` above the template's minReplicas (default 1) replaces it, up to maxReplicas.
[[nodiscard]] nlohmann::json desired_hpa(const Ihpa& ihpa,
                                         const std::vector<nlohmann::json>& forecast_metrics,
                                         std::int32_t schedule_floor = 0);

/// True when `hpa` has a controller ownerReference to the object with `uid`.
[[nodiscard]] bool owned_by(const nlohmann::json& hpa, const std::string& uid);

/// True when `observed` is what `desired` becomes once the apiserver stored it, so that no
/// write is needed: its spec equals the desired one after the API's defaults (minReplicas 1,
/// the omitted parts of a given behavior), with quantities compared by value and metrics in any
/// order (the apiserver reorders them; the HPA takes their maximum), it has every
/// template label and annotation with the same value (others may be added by other tools), and
/// it is owned by the same object.
[[nodiscard]] bool hpa_matches(const nlohmann::json& observed, const nlohmann::json& desired);

/// The update that turns `observed` into `desired`: `desired` with the observed
/// `resourceVersion` (so a concurrent change fails instead of being overwritten), and the
/// labels, annotations and other ownerReferences that other tools added kept.
[[nodiscard]] nlohmann::json hpa_update(const nlohmann::json& observed,
                                        const nlohmann::json& desired);

} // namespace ihpa::controller
