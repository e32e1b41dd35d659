#pragma once

#include "controller/reconciler.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ihpa::controller::test {

/// An IHPA object as the apiserver returns it: default/web (uid "uid-web", generation 3)
/// scaling Deployment web between 2 and 10 replicas on `metrics` (a JSON list of MetricSpecs),
/// with `spec` merged over that (mode, forecast, metrics overrides).
[[nodiscard]] nlohmann::json ihpa_object(const nlohmann::json& metrics,
                                         const nlohmann::json& spec = nlohmann::json::object());

/// A Resource cpu metric with a Utilization target of `percent`.
[[nodiscard]] nlohmann::json cpu_utilization(int percent);

/// An External metric `name` (selector app=web) with a `type` target of `value`.
[[nodiscard]] nlohmann::json external_metric(const std::string& name, const std::string& type,
                                             const nlohmann::json& value);

/// An adapter with one Prometheus source `prom` and a pass-through rule serving every
/// External metric `<name>` as the query `<name>{<selector>}` of `prom`.
[[nodiscard]] SourceCatalog prometheus_catalog();

/// `hpa` as the apiserver stores it after a create: uid, resourceVersion and
/// creationTimestamp set, quantities canonical, defaults applied (minReplicas, behavior).
[[nodiscard]] nlohmann::json stored(const nlohmann::json& hpa);

/// The condition `type` of a status object (null when absent).
[[nodiscard]] nlohmann::json condition(const nlohmann::json& status, const std::string& type);

/// A reconcile input for `ihpa` at 2026-12-02T12:00:00Z with two live pods of one container
/// each, requesting 500m cpu and 256Mi memory, and the catalog above.
[[nodiscard]] ReconcileInput input_for(const nlohmann::json& ihpa);

/// A forecast being served from a fitted model.
[[nodiscard]] ForecastStatus fitted_forecast();

} // namespace ihpa::controller::test
