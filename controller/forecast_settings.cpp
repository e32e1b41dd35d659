#include "controller/forecast_settings.hpp"

#include "common/duration.hpp"
#include "model/registry.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ihpa::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// A duration key as whole seconds within [min, max]; nullopt (and a problem) otherwise.
std::optional<seconds> duration_key(const nlohmann::json& value, const std::string& where,
                                    seconds min, seconds max, std::vector<std::string>& problems)
{
    if (!value.is_string()) {
        problems.push_back(where + ": must be a duration string such as 5m");
        return std::nullopt;
    }
    const auto parsed = common::parse_duration(value.get<std::string>());
    if (!parsed) {
        problems.push_back(where + ": " + parsed.error());
        return std::nullopt;
    }
    if (parsed->count() % 1000 != 0) {
        problems.push_back(where + ": must be whole seconds");
        return std::nullopt;
    }
    const auto whole = std::chrono::duration_cast<seconds>(*parsed);
    if (whole < min || whole > max) {
        problems.push_back(where + ": must be between " + common::format_duration(min) +
                           " and " + common::format_duration(max));
        return std::nullopt;
    }
    return whole;
}

/// A string key; nullopt (and a problem) when the value is not a string.
std::optional<std::string> string_key(const nlohmann::json& value, const std::string& where,
                                      std::vector<std::string>& problems)
{
    if (!value.is_string()) {
        problems.push_back(where + ": must be a string");
        return std::nullopt;
    }
    return value.get<std::string>();
}

/// A number key within [min, max]; nullopt (and a problem) otherwise.
std::optional<double> number_key(const nlohmann::json& value, const std::string& where,
                                 double min, double max, std::vector<std::string>& problems)
{
    if (!value.is_number() || value.get<double>() < min || value.get<double>() > max) {
        problems.push_back(where + ": must be a number between " + std::to_string(min) + " and " +
                           std::to_string(max));
        return std::nullopt;
    }
    return value.get<double>();
}

/// Applies one key of a `forecast` object; false when the key is unknown.
bool apply_key(const std::string& key, const nlohmann::json& value, const std::string& where,
               ForecastSettings& settings, std::vector<std::string>& problems)
{
    constexpr seconds kSecond(1);
    constexpr seconds kDay(86400);
    const auto set_duration = [&](seconds min, seconds max, seconds& out) {
        if (auto parsed = duration_key(value, where, min, max, problems)) {
            out = *parsed;
        }
    };
    if (key == "leadTime") {
        seconds lead(settings.shift.lead_seconds);
        set_duration(seconds(0), kDay, lead);
        settings.shift.lead_seconds = lead.count();
    } else if (key == "rule" || key == "band") {
        const auto text = string_key(value, where, problems);
        if (!text) {
            return true;
        }
        if (key == "rule") {
            auto rule = model::parse_shift_rule(*text);
            rule ? void(settings.shift.rule = *rule)
                 : problems.push_back(where + ": " + rule.error().message);
        } else {
            auto band = model::parse_shift_band(*text);
            band ? void(settings.shift.band = *band)
                 : problems.push_back(where + ": " + band.error().message);
        }
    } else if (key == "floor") {
        if (auto floor = number_key(value, where, 0.0, 1e18, problems)) {
            settings.shift.floor = *floor;
        }
    } else if (key == "model") {
        const auto name = string_key(value, where, problems);
        const auto known = model::forecaster_names();
        if (name && std::find(known.begin(), known.end(), *name) == known.end()) {
            std::string list;
            for (const std::string& each : known) {
                list += (list.empty() ? "" : ", ") + each;
            }
            problems.push_back(where + ": unknown model \"" + *name + "\" (known: " + list + ")");
        } else if (name) {
            settings.model = *name;
        }
    } else if (key == "seasonality") {
        if (const auto text = string_key(value, where, problems)) {
            auto periods = common::parse_seasonality(*text);
            periods ? void(settings.seasonality = std::move(*periods))
                    : problems.push_back(where + ": " + periods.error());
        }
    } else if (key == "minHistory") {
        if (auto min_history = number_key(value, where, 2.0, 1e7, problems)) {
            settings.min_history = static_cast<std::int64_t>(*min_history);
        }
    } else if (key == "step") {
        set_duration(kSecond, kDay, settings.step);
    } else if (key == "history") {
        set_duration(kSecond, kDay * 400, settings.history);
    } else if (key == "maxStaleness") {
        set_duration(kSecond, kDay * 7, settings.max_staleness);
    } else if (key == "hardStaleness") {
        set_duration(kSecond, kDay * 7, settings.hard_staleness);
    } else if (key == "refitInterval") {
        set_duration(kSecond, kDay, settings.refit_interval);
    } else {
        return false;
    }
    return true;
}

} // namespace

ForecastSettings apply_settings(const nlohmann::json& object, const std::string& path,
                                ForecastSettings base, std::vector<std::string>& problems)
{
    if (!object.is_object()) {
        problems.push_back(path + ": must be an object");
        return base;
    }
    for (const auto& [key, value] : object.items()) {
        if (!apply_key(key, value, path + "." + key, base, problems)) {
            problems.push_back(path + ": unknown key \"" + key +
                               "\" (known: leadTime, rule, band, floor, model, seasonality, "
                               "history, step, minHistory, maxStaleness, hardStaleness, "
                               "refitInterval)");
        }
    }
    return base;
}

std::vector<std::string> check_settings(const ForecastSettings& settings, const std::string& path)
{
    std::vector<std::string> problems;
    const std::int64_t points = settings.history.count() / settings.step.count();
    if (points > (std::int64_t{1} << 24)) {
        problems.push_back(path + ": history / step is " + std::to_string(points) +
                           " points, more than 16777216 per series");
    }
    if (points < settings.min_history) {
        problems.push_back(path + ": history holds " + std::to_string(points) +
                           " steps, fewer than minHistory (" +
                           std::to_string(settings.min_history) + ")");
    }
    if (settings.hard_staleness < settings.max_staleness) {
        problems.push_back(path + ": hardStaleness must not be shorter than maxStaleness");
    }
    if (!settings.seasonality) {
        return problems;
    }
    if (settings.seasonality->empty() &&
        (settings.model == "fourier" || settings.model == "seasonalNaive")) {
        problems.push_back(path + ": model " + settings.model +
                           " needs a seasonal period; seasonality is none");
    }
    for (const std::int64_t period : *settings.seasonality) {
        const std::string text = common::format_duration(seconds(period));
        if (period < 2 * settings.step.count()) {
            problems.push_back(path + ".seasonality: period " + text +
                               " is shorter than two steps");
        } else if (2 * period > settings.history.count()) {
            problems.push_back(path + ".seasonality: period " + text +
                               " needs two cycles of history, more than history (" +
                               common::format_duration(settings.history) + ")");
        }
    }
    return problems;
}

} // namespace ihpa::controller
