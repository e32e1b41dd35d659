#pragma once

#include "common/seasonality.hpp"
#include "model/time_shift.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ihpa::controller {

/// How one metric is forecast and served: the same fields, meanings and units as the adapter's
/// `ForecastSettings` (adapter/config.hpp), so the two map 1:1. The defaults are design.md's
/// for IHPAs, which differ from a standalone forecast's in one place: the band is `upper`.
struct ForecastSettings {
    model::TimeShift shift{300, model::ShiftRule::WindowMax, model::ShiftBand::Upper, std::nullopt};
    std::string model = "auto";                ///< a registered forecaster name
    std::chrono::seconds step{60};             ///< history resolution
    std::chrono::seconds history{14 * 86400};  ///< history kept and fitted on
    std::int64_t min_history = 30;             ///< samples before forecasting starts
    std::chrono::seconds max_staleness{600};   ///< serve forecasts while data is this fresh
    std::chrono::seconds hard_staleness{3600}; ///< then the latest value; after it 503
    std::chrono::seconds refit_interval{300};  ///< how often the model is refitted
    common::SeasonalPeriods seasonality;       ///< detected (nullopt), none or these periods
    bool operator==(const ForecastSettings&) const = default;
};

/// Applies the keys of a CR `forecast` object (`leadTime`, `rule`, `band`, `floor`, `model`,
/// `seasonality`, `history`, `step`, `minHistory`, `maxStaleness`, `hardStaleness`,
/// `refitInterval`) over `base`. Strict, with the adapter configuration's bounds: every problem
/// is appended to `problems` as `<path>.<key>: <why>`, and unknown keys are problems too.
[[nodiscard]] ForecastSettings apply_settings(const nlohmann::json& object, const std::string& path,
                                              ForecastSettings base,
                                              std::vector<std::string>& problems);

/// The problems of a complete setting (checked after every override is applied): history /
/// step within 2^24 points and at least `minHistory`, `hardStaleness` >= `maxStaleness`, and
/// seasonal periods of at least two steps with two cycles inside `history` (and a period at
/// all for `fourier` and `seasonalNaive`). Each is `<path>: <why>`.
[[nodiscard]] std::vector<std::string> check_settings(const ForecastSettings& settings,
                                                      const std::string& path);

} // namespace ihpa::controller
