#include "controller/forecast_plan.hpp"

#include "adapter/serving/forecast_registry.hpp"

#include <algorithm>

namespace ihpa::controller {
namespace {

/// `text` with every regex metacharacter escaped (names may hold dots).
std::string regex_escape(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) {
            out += "\\\\"; // a PromQL string literal holding a regex backslash
        }
        out += c;
    }
    return out;
}

/// The names of the pods a workload controller creates: a Deployment's pods are
/// `<name>-<pod-template-hash>-<suffix>`, a StatefulSet's `<name>-<ordinal>`, a ReplicaSet's
/// (and others') `<name>-<suffix>`.
std::string pod_name_pattern(const std::string& kind, const std::string& name)
{
    const std::string base = regex_escape(name);
    if (kind == "Deployment") {
        return base + "-[a-z0-9]+-[a-z0-9]+";
    }
    if (kind == "StatefulSet") {
        return base + "-[0-9]+";
    }
    return base + "-[a-z0-9]+";
}

/// `query` with `<<.Namespace>>` replaced by `ns`.
std::string expand_namespace(std::string query, const std::string& ns)
{
    static constexpr std::string_view kPlaceholder = "<<.Namespace>>";
    for (auto at = query.find(kPlaceholder); at != std::string::npos;
         at = query.find(kPlaceholder, at + ns.size())) {
        query.replace(at, kPlaceholder.size(), ns);
    }
    return query;
}

/// The adapter source of `kind` named `name`, or the only one of that kind when `name` is
/// empty; the error says which were there.
std::expected<std::string, std::string> resolve_source(const SourceCatalog& catalog,
                                                       const std::string& kind,
                                                       const std::string& name)
{
    std::vector<std::string> of_kind;
    for (const AdapterSource& source : catalog.sources) {
        if (source.kind == kind) {
            of_kind.push_back(source.name);
        }
    }
    if (!name.empty()) {
        if (std::find(of_kind.begin(), of_kind.end(), name) != of_kind.end()) {
            return name;
        }
        return std::unexpected("the adapter has no " + kind + " source named \"" + name + "\"");
    }
    if (of_kind.size() == 1) {
        return of_kind.front();
    }
    if (of_kind.empty()) {
        return std::unexpected("the adapter has no " + kind + " source");
    }
    std::string names;
    for (const std::string& each : of_kind) {
        names += (names.empty() ? "" : ", ") + each;
    }
    return std::unexpected("the adapter has several " + kind + " sources (" + names +
                           "); name one in source." + kind + ".name");
}

/// The kind of the source Resource metrics are read from: the one `resource_metrics_source`
/// names, else the resource metrics API when the adapter reads it, else Prometheus.
std::string resource_source_kind(const SourceCatalog& catalog)
{
    const auto has_kind = [&](const std::string& kind, const std::string& name) {
        return std::any_of(catalog.sources.begin(), catalog.sources.end(), [&](const AdapterSource& s) {
            return s.kind == kind && (name.empty() || s.name == name);
        });
    };
    return has_kind(kKubernetesMetricsKind, catalog.resource_metrics_source) ? kKubernetesMetricsKind
                                                                             : "prometheus";
}

/// The series of a Resource or ContainerResource metric, or why there is none.
std::expected<SeriesSource, std::string> derive_resource_source(const Ihpa& ihpa, const TemplateMetric& metric,
                                                                const SourceCatalog& catalog,
                                                                const std::optional<std::string>& target_selector)
{
    if (metric.name != "cpu" && metric.name != "memory") {
        return std::unexpected("no source is derived for resource " + metric.name +
                               " (only cpu and memory); give spec.metrics[].source");
    }
    const std::string kind = resource_source_kind(catalog);
    auto source = resolve_source(catalog, kind, catalog.resource_metrics_source);
    if (!source) {
        return std::unexpected("resource metrics are read from " + kind + ", but " + source.error());
    }
    if (kind == kKubernetesMetricsKind) {
        if (!target_selector || target_selector->empty()) {
            return std::unexpected("resource metrics are read from the resource metrics API by the scale "
                                   "target's pod selector, which is not known (the target was not found)");
        }
        return SeriesSource{*source, usage_query(metric.name, ihpa.namespace_, *target_selector, metric.container)};
    }
    const nlohmann::json ref = ihpa.template_spec.value("scaleTargetRef", nlohmann::json());
    return SeriesSource{*source, *resource_query(metric.name, ihpa.namespace_, ref.value("kind", std::string()),
                                                 ref.value("name", std::string()), metric.container)};
}

/// The derived series of a template metric, or why there is none.
std::expected<SeriesSource, std::string> derive_source(const Ihpa& ihpa,
                                                       const TemplateMetric& metric,
                                                       const SourceCatalog& catalog,
                                                       const std::optional<std::string>& target_selector)
{
    switch (metric.type) {
    case MetricType::Resource:
    case MetricType::ContainerResource:
        return derive_resource_source(ihpa, metric, catalog, target_selector);
    case MetricType::External:
        if (catalog.pass_through) {
            if (auto series = catalog.pass_through(ihpa.namespace_, metric.name, metric.selector)) {
                return *series;
            }
        }
        return std::unexpected("no pass-through rule of the adapter serves external metric " +
                               metric.name + "; give spec.metrics[].source");
    case MetricType::Pods:
    case MetricType::Object:
        break;
    }
    return std::unexpected("Pods and Object metrics need an explicit source "
                           "(spec.metrics[].source)");
}

/// An explicit source as the adapter's series: the source resolved, the namespace expanded.
std::expected<SeriesSource, std::string> explicit_series(const SourceCatalog& catalog, const ExplicitSource& source,
                                                         const std::string& ns)
{
    auto name = resolve_source(catalog, source.kind, source.name);
    if (!name) {
        return std::unexpected(name.error());
    }
    return SeriesSource{*name, expand_namespace(source.query, ns)};
}

/// The traffic of a metric as the adapter's, each series resolved like the metric's own.
std::expected<adapter::TrafficConfig, std::string> traffic_series(const SourceCatalog& catalog,
                                                                 const TrafficSpec& spec, const std::string& ns)
{
    adapter::TrafficConfig traffic;
    traffic.min_r2 = spec.min_r2;
    for (std::size_t i = 0; i < spec.drivers.size(); ++i) {
        auto driver = explicit_series(catalog, spec.drivers[i], ns);
        if (!driver) {
            return std::unexpected("traffic.drivers[" + std::to_string(i) + "]: " + driver.error());
        }
        traffic.drivers.push_back(std::move(*driver));
    }
    auto replicas = explicit_series(catalog, spec.replicas, ns);
    if (!replicas) {
        return std::unexpected("traffic.replicas: " + replicas.error());
    }
    traffic.replicas = std::move(*replicas);
    return traffic;
}

} // namespace

std::string forecast_id(const DesiredForecast& forecast)
{
    adapter::ForecastConfig config;
    config.ihpa = adapter::IhpaRef{forecast.namespace_, forecast.ihpa, forecast.metric};
    return adapter::forecast_id(config);
}

std::map<std::string, std::string> forecast_labels(const std::string& ihpa,
                                                   const std::string& metric)
{
    return adapter::ihpa_labels(adapter::IhpaRef{{}, ihpa, metric});
}

std::optional<std::string> resource_query(const std::string& resource, const std::string& ns,
                                          const std::string& kind, const std::string& name,
                                          const std::string& container)
{
    const std::string matchers = "namespace=\"" + ns + "\",pod=~\"" +
                                 pod_name_pattern(kind, name) + "\"," +
                                 (container.empty() ? std::string("container!=\"\",container!=\"POD\"")
                                                    : "container=\"" + container + "\"");
    if (resource == "cpu") {
        return "sum(rate(container_cpu_usage_seconds_total{" + matchers + "}[2m]))";
    }
    if (resource == "memory") {
        return "sum(container_memory_working_set_bytes{" + matchers + "})";
    }
    return std::nullopt;
}

std::string usage_query(const std::string& resource, const std::string& ns, const std::string& selector,
                        const std::string& container)
{
    return resource + " in " + ns + (selector.empty() ? "" : " where " + selector) +
           (container.empty() ? "" : " container " + container);
}

std::vector<PlannedForecast> plan_forecasts(const Ihpa& ihpa, const SourceCatalog& catalog,
                                            const std::optional<std::string>& target_selector)
{
    std::vector<PlannedForecast> planned;
    for (std::size_t i = 0; i < ihpa.metrics.size(); ++i) {
        const TemplateMetric& metric = ihpa.metrics[i];
        const MetricForecast& wanted = ihpa.forecasts[i];
        PlannedForecast each{metric.key, std::nullopt, ""};
        std::expected<SeriesSource, std::string> series =
            wanted.source ? explicit_series(catalog, *wanted.source, ihpa.namespace_)
                          : derive_source(ihpa, metric, catalog, target_selector);
        std::optional<adapter::TrafficConfig> traffic;
        if (series && wanted.traffic) {
            auto resolved = traffic_series(catalog, *wanted.traffic, ihpa.namespace_);
            if (resolved) {
                traffic = std::move(*resolved);
            } else {
                series = std::unexpected(resolved.error());
            }
        }
        if (series) {
            each.forecast = DesiredForecast{kForecastMetricName, ihpa.namespace_, ihpa.name, metric.key,
                                            *series,             wanted.settings, traffic};
        } else {
            each.problem = series.error();
        }
        planned.push_back(std::move(each));
    }
    return planned;
}

ForecastDiff diff_forecasts(const std::vector<DesiredForecast>& registered,
                            const std::vector<DesiredForecast>& desired)
{
    std::map<std::string, const DesiredForecast*> before;
    for (const DesiredForecast& each : registered) {
        before.emplace(forecast_id(each), &each);
    }
    std::map<std::string, const DesiredForecast*> after;
    for (const DesiredForecast& each : desired) {
        after.emplace(forecast_id(each), &each);
    }
    ForecastDiff diff;
    for (const auto& [id, forecast] : after) {
        const auto old = before.find(id);
        if (old == before.end() || !(*old->second == *forecast)) {
            diff.to_register.push_back(*forecast);
        }
    }
    for (const auto& [id, forecast] : before) {
        if (!after.contains(id)) {
            diff.to_remove.push_back(id);
        }
    }
    return diff;
}

} // namespace ihpa::controller
