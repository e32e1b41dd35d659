#include "controller/forecast_plan.hpp"

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

/// The derived series of a template metric, or why there is none.
std::expected<SeriesSource, std::string> derive_source(const Ihpa& ihpa,
                                                       const TemplateMetric& metric,
                                                       const SourceCatalog& catalog)
{
    switch (metric.type) {
    case MetricType::Resource:
    case MetricType::ContainerResource: {
        const nlohmann::json ref = ihpa.template_spec.value("scaleTargetRef", nlohmann::json());
        const auto query =
            resource_query(metric.name, ihpa.namespace_, ref.value("kind", std::string()),
                           ref.value("name", std::string()), metric.container);
        if (!query) {
            return std::unexpected("no source is derived for resource " + metric.name +
                                   " (only cpu and memory); give spec.metrics[].source");
        }
        auto source = resolve_source(catalog, "prometheus", catalog.resource_metrics_source);
        if (!source) {
            return std::unexpected("resource metrics are read from Prometheus, but " +
                                   source.error());
        }
        return SeriesSource{*source, *query};
    }
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

} // namespace

std::string forecast_id(const DesiredForecast& forecast)
{
    return "ihpa/" + forecast.namespace_ + "/" + forecast.ihpa + "/" + forecast.metric;
}

std::map<std::string, std::string> forecast_labels(const std::string& ihpa,
                                                   const std::string& metric)
{
    return {{kNameLabel, ihpa}, {kMetricLabel, metric}};
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

std::vector<PlannedForecast> plan_forecasts(const Ihpa& ihpa, const SourceCatalog& catalog)
{
    std::vector<PlannedForecast> planned;
    for (std::size_t i = 0; i < ihpa.metrics.size(); ++i) {
        const TemplateMetric& metric = ihpa.metrics[i];
        const MetricForecast& wanted = ihpa.forecasts[i];
        PlannedForecast each{metric.key, std::nullopt, ""};
        std::expected<SeriesSource, std::string> series = std::unexpected(std::string());
        if (wanted.source) {
            auto source = resolve_source(catalog, wanted.source->kind, wanted.source->name);
            series = source ? std::expected<SeriesSource, std::string>(SeriesSource{
                                  *source, expand_namespace(wanted.source->query, ihpa.namespace_)})
                            : std::unexpected(source.error());
        } else {
            series = derive_source(ihpa, metric, catalog);
        }
        if (series) {
            each.forecast = DesiredForecast{kForecastMetricName, ihpa.namespace_, ihpa.name,
                                            metric.key,          *series,         wanted.settings};
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
