#include "adapter/history/fitter.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace ihpa::adapter {

Fitter::Fitter(const ForecastRegistry& registry, unsigned workers)
    : registry_(registry), workers_(std::max(1U, workers))
{
}

std::size_t Fitter::run_once(std::chrono::system_clock::time_point now, std::stop_token stop)
{
    std::vector<std::shared_ptr<ForecastState>> due;
    const auto forecasts = registry_.forecasts();
    for (const auto& forecast : forecasts) {
        if (forecast->refit_due(now)) {
            due.push_back(forecast);
        }
    }
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> fitted{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < due.size() && !stop.stop_requested(); i = next++) {
            fitted += due[i]->refit(now) ? 1 : 0;
        }
    };
    const auto threads = std::min<std::size_t>(workers_, due.size());
    if (threads <= 1) {
        work();
    } else {
        std::vector<std::jthread> pool;
        for (std::size_t t = 0; t < threads; ++t) {
            pool.emplace_back(work);
        }
    }
    if (stop.stop_requested()) {
        return fitted;
    }
    for (const auto& forecast : forecasts) {
        forecast->score(now);
    }
    return fitted;
}

} // namespace ihpa::adapter
