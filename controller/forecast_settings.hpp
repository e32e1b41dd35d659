#pragma once

#include "adapter/config/config.hpp"

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ihpa::controller {

/// How one metric is forecast and served: the adapter's settings themselves (one definition, so
/// an IHPA's settings reach the adapter field for field), with design.md's defaults.
using ForecastSettings = adapter::ForecastSettings;

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
