#include "adapter/serving/registry_debug_view.hpp"

#include "adapter/serving/debug_chart.hpp"
#include "adapter/serving/forecasting_provider.hpp"
#include "common/duration.hpp"
#include "common/time_text.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace ihpa::adapter {
namespace {

using nlohmann::ordered_json;

/// A number, or null when it is not finite (JSON has no NaN).
ordered_json number(double v)
{
    return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr);
}

std::string duration_text(std::chrono::seconds d)
{
    return common::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

std::string unix_time_text(std::int64_t t)
{
    return common::rfc3339(from_unix_seconds(t));
}

ordered_json values(const Eigen::VectorXd& v)
{
    ordered_json out = ordered_json::array();
    for (Eigen::Index i = 0; i < v.size(); ++i) {
        out.push_back(number(v[i]));
    }
    return out;
}

ordered_json series_json(const model::Series& s)
{
    return {{"start", s.size() > 0 ? ordered_json(unix_time_text(s.start)) : ordered_json(nullptr)},
            {"stepSeconds", s.step_seconds},
            {"values", values(s.values)}};
}

/// A forecast path: horizon h at origin + h × step.
ordered_json path_json(const model::AnchoredForecast& a)
{
    return {{"origin", unix_time_text(a.origin)},
            {"originValue", number(a.origin_value)},
            {"stepSeconds", a.step_seconds},
            {"mean", values(a.forecast.mean)},
            {"lower", values(a.forecast.lower)},
            {"upper", values(a.forecast.upper)}};
}

ordered_json series_ref_json(const SeriesRef& ref)
{
    return {{"source", ref.source}, {"query", ref.query}};
}

ordered_json traffic_json(const std::optional<TrafficConfig>& traffic)
{
    if (!traffic) {
        return nullptr;
    }
    ordered_json drivers = ordered_json::array();
    for (const SeriesRef& d : traffic->drivers) {
        drivers.push_back(series_ref_json(d));
    }
    return {{"drivers", std::move(drivers)}, {"replicas", series_ref_json(traffic->replicas)}, {"minR2", traffic->min_r2}};
}

ordered_json settings_json(const ForecastConfig& config)
{
    const ForecastSettings& s = config.settings;
    return {{"source", config.series.source},
            {"query", config.series.query},
            {"model", s.model},
            {"leadTime", duration_text(std::chrono::seconds(s.shift.lead_seconds))},
            {"rule", model::to_string(s.shift.rule)},
            {"band", model::to_string(s.shift.band)},
            {"floor", s.shift.floor ? ordered_json(*s.shift.floor) : ordered_json(nullptr)},
            {"step", duration_text(s.step)},
            {"history", duration_text(s.history)},
            {"minHistory", s.min_history},
            {"maxStaleness", duration_text(s.max_staleness)},
            {"hardStaleness", duration_text(s.hard_staleness)},
            {"refitInterval", duration_text(s.refit_interval)},
            {"traffic", traffic_json(config.traffic)}};
}

ordered_json forecast_json(const DebugEntry& e)
{
    const ForecastInspection& f = *e.forecast;
    ordered_json serving = {{"state", to_string(f.status.state)}};
    if (f.served) {
        serving["value"] = f.served->value;
        serving["dataTime"] = common::rfc3339(f.served->data_time);
    } else {
        serving["error"] = f.served.error();
    }
    ordered_json fit = nullptr;
    if (f.fit) {
        fit = {{"description", f.fit->description},
               {"fittedAt", common::rfc3339(f.fit->fitted_at)},
               {"path", path_json(f.fit->anchored)}};
    }
    ordered_json accuracy = {{"relMAE", f.status.rel_mae ? ordered_json(*f.status.rel_mae) : ordered_json(nullptr)},
                             {"coverage", f.status.coverage ? ordered_json(*f.status.coverage) : ordered_json(nullptr)},
                             {"settled", f.status.scored},
                             {"pending", f.status.pending}};
    ordered_json outlook;
    if (f.outlook) {
        outlook = {{"description", f.outlook->description}, {"path", path_json(f.outlook->path)}};
    } else {
        outlook = {{"error", f.outlook_error}};
    }
    return {{"kind", "forecast"},
            {"labels", e.labels},
            {"settings", settings_json(*e.config)},
            {"serving", std::move(serving)},
            {"lastFitError", f.status.last_fit_error.empty() ? ordered_json(nullptr)
                                                             : ordered_json(f.status.last_fit_error)},
            {"fit", std::move(fit)},
            {"accuracy", std::move(accuracy)},
            {"history", series_json(f.history)},
            {"forecast", std::move(outlook)}};
}

ordered_json passthrough_json(const DebugEntry& e)
{
    ordered_json latest = nullptr;
    if (e.latest) {
        latest = {{"value", e.latest->value}, {"time", common::rfc3339(e.latest->time)}};
    }
    return {{"kind", "passthrough"},
            {"labels", e.labels},
            {"maxAge", duration_text(e.max_age)},
            {"latest", std::move(latest)},
            {"history", series_json(e.history)}};
}

} // namespace

RegistryDebugView::RegistryDebugView(const ForecastRegistry& registry, const Clock& clock)
    : registry_(registry), clock_(clock)
{
}

std::expected<apiserver::DebugView, apiserver::ApiError>
RegistryDebugView::debug_view(std::string_view ns, const apiserver::LabelSelector& selector,
                              const apiserver::ExternalMetricInfo& info,
                              const apiserver::DebugViewRequest& request) const
{
    const auto table = registry_.table();
    const auto found = table->find(info.metric);
    if (found == table->end()) {
        return std::unexpected(apiserver::metric_not_found(info.metric, ns));
    }
    const auto now = clock_.now();
    const std::int64_t history_seconds = request.history.count();
    std::vector<DebugEntry> entries;
    std::size_t fits = 0;
    for (const ServingEntry& entry : found->second) {
        if (!reaches(entry, ns, selector)) {
            continue;
        }
        DebugEntry e;
        e.labels = entry.labels;
        if (entry.forecast) {
            const std::int64_t outlook = fits < kMaxFits ? request.horizon.count() : 0;
            fits += outlook > 0 ? 1 : 0;
            e.config = &entry.forecast->config();
            e.forecast = entry.forecast->inspect(now, history_seconds, outlook, kMaxPoints);
            if (outlook == 0) {
                e.forecast->outlook_error = "more than " + std::to_string(kMaxFits) +
                                            " entries match: narrow the labelSelector to see this one's forecast";
            }
        } else {
            const std::int64_t step = entry.passthrough->step_seconds();
            e.history = entry.passthrough->series(unix_seconds(now) -
                                                  std::min(history_seconds, kMaxPoints * step) + 1);
            e.latest = entry.passthrough->latest();
            e.max_age = entry.max_age;
        }
        entries.push_back(std::move(e));
    }
    if (entries.empty()) {
        return std::unexpected(apiserver::metric_not_found(info.metric, ns));
    }
    if (request.format == apiserver::DebugViewRequest::Format::Svg) {
        return apiserver::DebugView{"image/svg+xml",
                                    render_debug_chart(info.metric, ns, now, entries, kMaxFits)};
    }
    ordered_json items = ordered_json::array();
    for (const DebugEntry& e : entries) {
        items.push_back(e.forecast ? forecast_json(e) : passthrough_json(e));
    }
    const ordered_json doc = {{"kind", "ExternalMetricDebugView"},
                              {"metric", info.metric},
                              {"namespace", ns},
                              {"time", common::rfc3339(now)},
                              {"items", std::move(items)}};
    return apiserver::DebugView{"application/json",
                                doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

} // namespace ihpa::adapter
