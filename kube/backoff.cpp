#include "kube/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace ihpa::kube {

RandomSource system_random()
{
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    return [engine]() { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

Backoff::Backoff(BackoffPolicy policy, RandomSource random) : policy_(policy), random_(std::move(random)) {}

std::chrono::milliseconds Backoff::next()
{
    const double grown = static_cast<double>(policy_.initial.count()) * std::pow(policy_.factor, attempt_);
    const double capped = std::min(grown, static_cast<double>(policy_.max.count()));
    if (grown < static_cast<double>(policy_.max.count())) {
        ++attempt_;
    }
    const double scale = 1.0 - policy_.jitter * std::clamp(random_(), 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<long long>(std::llround(capped * scale)));
}

} // namespace ihpa::kube
