// IntelligentHorizontalPodAutoscaler objects as the apiserver returns them (JSON): the identity,
// the spec with design.md's defaults and checks, the forecast plan against a catalog of every
// source kind, and the HPA built from it.
#include "controller/forecast_plan.hpp"
#include "controller/hpa_builder.hpp"
#include "controller/ihpa.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    using namespace ihpa::controller;
    const auto object = nlohmann::json::parse(fuzz::as_text(data, size), nullptr, false);
    if (object.is_discarded()) {
        return 0;
    }
    const auto identity = read_identity(object);
    const auto ihpa = parse_ihpa(object);
    if (!ihpa) {
        fuzz::require(!ihpa.error().empty(), "a rejected IHPA lists its problems");
        return 0;
    }
    fuzz::require(identity.has_value(), "an accepted IHPA has an identity");
    fuzz::require(ihpa->forecasts.size() == ihpa->metrics.size(), "one forecast per metric");
    static const SourceCatalog catalog{
        {{"prom", "prometheus"}, {"metrics", kKubernetesMetricsKind}, {"queue", "redis"}},
        "",
        [](const std::string& ns, const std::string& name, const nlohmann::json& selector) {
            return std::optional<SeriesSource>(SeriesSource{"prom", ns + "/" + name + selector.dump()});
        }};
    const auto plan = plan_forecasts(*ihpa, catalog, std::string("app=web"));
    fuzz::require(plan.size() == ihpa->metrics.size(), "one planned forecast per metric");
    std::vector<nlohmann::json> entries;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        fuzz::require(plan[i].forecast.has_value() != !plan[i].problem.empty(),
                      "a metric has a forecast or a problem, not both");
        const TemplateMetric& metric = ihpa->metrics[i];
        entries.push_back(forecast_metric(ihpa->name, metric.key, metric.target, metric.target_value));
    }
    const nlohmann::json hpa = desired_hpa(*ihpa, entries);
    fuzz::require(owned_by(hpa, ihpa->uid), "the HPA is owned by its IHPA");
    fuzz::require(hpa_matches(hpa, hpa), "an HPA matches itself");
    return 0;
}
