#pragma once

#include "adapter/serving/forecast_registry.hpp"

#include <chrono>
#include <cstddef>
#include <stop_token>

namespace ihpa::adapter {

/// The background fitter: refits every forecast whose refit is due, spread over `workers`
/// threads, and advances every forecast's live score. `run_once` does one round and returns;
/// the fitted models are published by each forecast atomically, so requests never wait for it.
class Fitter {
public:
    /// `registry` must outlive the fitter; `workers` >= 1.
    Fitter(const ForecastRegistry& registry, unsigned workers);

    /// One round at `now`; returns how many forecasts were refitted successfully. Once `stop`
    /// is requested the round ends after the fits under way (each a few milliseconds), without
    /// scoring: a shutdown never waits for a whole round of thousands of fits.
    std::size_t run_once(std::chrono::system_clock::time_point now, std::stop_token stop = {});

private:
    const ForecastRegistry& registry_;
    unsigned workers_;
};

} // namespace ihpa::adapter
