#pragma once

#include "controller/forecast_settings.hpp"
#include "controller/ihpa.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::controller {

/// The wire name of IHPA forecasts (design.md, "Metric names on the wire").
inline constexpr const char* kForecastMetricName = "ihpa-forecast";
/// The selector labels of an `ihpa-forecast` item.
inline constexpr const char* kNameLabel = "ihpa.dev/name";
inline constexpr const char* kMetricLabel = "ihpa.dev/metric";

/// Which series of which adapter source: the adapter's `SeriesRef` itself.
using SeriesSource = adapter::SeriesRef;

/// One forecast series an IHPA asks the adapter's forecast registry for. Maps 1:1 to the
/// adapter's `ForecastConfig` with `ihpa` set: `name` → name, (`namespace_`, `ihpa`,
/// `metric`) → `IhpaRef`, `series` → `SeriesRef`, `settings` → `ForecastSettings` (same
/// fields), `traffic` → `TrafficConfig`, no extra labels.
struct DesiredForecast {
    std::string name = kForecastMetricName;
    std::string namespace_;
    std::string ihpa;   ///< the IHPA's name
    std::string metric; ///< the metric key
    SeriesSource series;
    ForecastSettings settings;
    std::optional<adapter::TrafficConfig> traffic; ///< the metric's drivers, when it has them
    bool operator==(const DesiredForecast&) const = default;
};

/// The registry id of a forecast, as the adapter's `forecast_id` makes it:
/// `ihpa/<namespace>/<name>/<metric>`.
[[nodiscard]] std::string forecast_id(const DesiredForecast& forecast);

/// The labels an `ihpa-forecast` item carries and the HPA entry selects.
[[nodiscard]] std::map<std::string, std::string> forecast_labels(const std::string& ihpa,
                                                                 const std::string& metric);

/// The adapter's source kind of the Kubernetes resource metrics API (metrics.k8s.io).
inline constexpr const char* kKubernetesMetricsKind = "kubernetesMetrics";

/// A source the adapter has (`sources[]` of its configuration, and the resource metrics API
/// when the controller runs).
struct AdapterSource {
    std::string name;
    std::string kind; ///< prometheus, datadog, redis, replay, kubernetesMetrics
    bool operator==(const AdapterSource&) const = default;
};

/// What the adapter can read, for deriving a metric's source when the IHPA gives none.
struct SourceCatalog {
    std::vector<AdapterSource> sources;
    /// The source (Prometheus or kubernetesMetrics) Resource metrics are derived from; empty:
    /// the only kubernetesMetrics source if there is one, else the only Prometheus source.
    std::string resource_metrics_source;
    /// The series a pass-through rule serves for an External metric (name and selector as in
    /// the HPA, in a namespace); nullopt when no rule serves it. May be empty (none).
    std::function<std::optional<SeriesSource>(const std::string& ns, const std::string& name,
                                              const nlohmann::json& selector)>
        pass_through;
};

/// The outcome for one metric: the series to forecast, or why there is none.
struct PlannedForecast {
    std::string key;
    std::optional<DesiredForecast> forecast;
    std::string problem; ///< set when `forecast` is not
};

/// The forecast series of an IHPA, one per template metric in template order. The source is
/// the metric's explicit one (its kind resolved to the adapter's source of that kind named, or
/// the only one; `<<.Namespace>>` in the query replaced by the IHPA's namespace) or derived as
/// design.md says: Resource and ContainerResource cpu and memory from the source of
/// `resource_metrics_source` (see there) — the resource metrics API summed over the pods of
/// `target_selector` (the scale target's, nullopt when it was not found), or Prometheus with
/// cAdvisor's series of the scale target's pods —, External metrics from the pass-through rule
/// serving the same name and selector. Pods and Object metrics, and other resources, need an
/// explicit source.
[[nodiscard]] std::vector<PlannedForecast>
plan_forecasts(const Ihpa& ihpa, const SourceCatalog& catalog,
               const std::optional<std::string>& target_selector = std::nullopt);

/// The kubernetesMetrics query of a resource (cpu or memory) of the pods `selector` selects in
/// `ns`, of all containers or one: `cpu in shop where app=web [container nginx]`.
[[nodiscard]] std::string usage_query(const std::string& resource, const std::string& ns,
                                      const std::string& selector, const std::string& container);

/// The PromQL query of a Resource metric of a workload: total cpu cores in use (rate over 2m of
/// `container_cpu_usage_seconds_total`) or memory bytes (`container_memory_working_set_bytes`),
/// of the pods a controller of `kind` named `name` creates (by their name pattern), of all
/// containers or one; nullopt for other resources.
[[nodiscard]] std::optional<std::string>
resource_query(const std::string& resource, const std::string& ns, const std::string& kind,
               const std::string& name, const std::string& container);

/// What to change in the registry to go from `registered` to `desired` forecasts: every
/// desired forecast that is new or differs (register replaces the same id), and the ids of
/// registered ones no longer desired.
struct ForecastDiff {
    std::vector<DesiredForecast> to_register;
    std::vector<std::string> to_remove;
};

/// Compares two sets of forecasts by id (see `ForecastDiff`). Deterministic: both lists come
/// in id order.
[[nodiscard]] ForecastDiff diff_forecasts(const std::vector<DesiredForecast>& registered,
                                          const std::vector<DesiredForecast>& desired);

} // namespace ihpa::controller
