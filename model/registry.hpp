#pragma once

#include "model/forecaster.hpp"
#include "model/validated_fit.hpp"

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::model {

/// Creates the forecaster registered under `name` (e.g. "naive", "auto"), fitting with
/// `options` (history, gaps, validation window, seasonality). Unknown names give
/// `ModelError::Kind::InvalidSpec` listing the known ones.
[[nodiscard]] std::expected<std::unique_ptr<Forecaster>, ModelError>
make_forecaster(std::string_view name, const FitOptions& options = {});

/// Names accepted by `make_forecaster`, in table order.
[[nodiscard]] std::vector<std::string> forecaster_names();

} // namespace ihpa::model
