#pragma once

#include "controller/forecast_settings.hpp"
#include "controller/schedules.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::controller {

/// The API group, version and kind of the CRD (manifests/crd/).
inline constexpr const char* kIhpaApiVersion = "ihpa.dev/v1beta1";
inline constexpr const char* kIhpaKind = "IntelligentHorizontalPodAutoscaler";

/// `Auto`: the HPA reads the forecasts; `Preview`: they are computed and reported only.
enum class Mode { Auto, Preview };

/// The autoscaling/v2 metric source types.
enum class MetricType { Resource, ContainerResource, Pods, Object, External };

/// The autoscaling/v2 target types.
enum class TargetType { Utilization, Value, AverageValue };

/// One metric of the HPA template, with what the controller needs to add its forecast.
struct TemplateMetric {
    MetricType type = MetricType::Resource;
    std::string key;        ///< the metric key: the metric's name, lowercase
    std::string name;       ///< the resource (cpu, memory) or metric name, as written
    std::string container;  ///< ContainerResource only
    nlohmann::json selector; ///< the metric's selector (External/Pods/Object), null if none
    TargetType target = TargetType::AverageValue;
    /// Value/AverageValue: the quantity as written (a string or a number);
    /// Utilization: the percentage.
    nlohmann::json target_value;
};

/// An explicit source of a metric's history (`spec.metrics[].source`): the adapter's source
/// kind, optionally which source of that kind, and a query in its syntax.
struct ExplicitSource {
    std::string kind;  ///< prometheus, datadog, redis or replay
    std::string name;  ///< empty: the adapter's only source of that kind
    std::string query; ///< with `<<.Namespace>>` still in it
};

/// `spec.metrics[].traffic`: the series that drive a metric (its usage is then forecast from
/// their forecasts, adapter `TrafficConfig`) and the series of the workload's replica count.
struct TrafficSpec {
    std::vector<ExplicitSource> drivers; ///< at least one
    ExplicitSource replicas;
    double min_r2 = 0.5; ///< in [-1, 1]
};

/// What an IHPA asks for one metric: its forecast settings (defaults and overrides applied)
/// and its source and traffic, when given.
struct MetricForecast {
    std::string key;
    ForecastSettings settings;
    std::optional<ExplicitSource> source;
    std::optional<TrafficSpec> traffic;
};

/// An IntelligentHorizontalPodAutoscaler as the controller reads it from the apiserver.
struct Ihpa {
    std::string namespace_;
    std::string name;
    std::string uid;
    std::int64_t generation = 0;
    bool deleting = false;         ///< `metadata.deletionTimestamp` is set
    nlohmann::json template_metadata = nlohmann::json::object(); ///< labels, annotations
    nlohmann::json template_spec;  ///< the HPA spec, verbatim
    Mode mode = Mode::Auto;
    std::vector<TemplateMetric> metrics;   ///< in template order
    std::vector<MetricForecast> forecasts; ///< one per metric, same order
    std::vector<CapacitySchedule> schedules; ///< `spec.schedules`: floors of capacity in time
    nlohmann::json previous_status = nlohmann::json::object(); ///< `status` as read
};

/// The identity of an IHPA object (set even when its spec is invalid, so the controller can
/// still report on it).
struct IhpaIdentity {
    std::string namespace_;
    std::string name;
    std::string uid;
    std::int64_t generation = 0;
    bool deleting = false;
};

/// Reads namespace, name, uid, generation and deletion from an object's metadata; fails when
/// namespace, name or uid is missing.
[[nodiscard]] std::expected<IhpaIdentity, std::string> read_identity(const nlohmann::json& object);

/// Parses an IHPA object as the apiserver returns it and applies design.md's defaults. Every
/// problem is reported, each naming its field path (`spec.template.spec.metrics[1].external`,
/// `spec.metrics[0].forecast.leadTime`): the schema's checks are repeated (the controller must
/// not trust a CRD that may be older than it) and those the schema cannot make are added
/// (duration bounds in days, settings that contradict each other, keys that are not unique or
/// name no metric).
[[nodiscard]] std::expected<Ihpa, std::vector<std::string>> parse_ihpa(const nlohmann::json& object);

/// The metric key of a metric name: lowercased (design.md, "Metric names on the wire").
[[nodiscard]] std::string metric_key(std::string_view name);

} // namespace ihpa::controller
