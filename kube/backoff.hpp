#pragma once

#include <chrono>
#include <functional>

namespace ihpa::kube {

/// Exponential backoff with jitter: the n-th delay is min(initial * factor^n, max) scaled by a
/// random factor in [1 - jitter, 1] (so retries of many clients spread out and never exceed max).
struct BackoffPolicy {
    std::chrono::milliseconds initial{200};
    std::chrono::milliseconds max{30000};
    double factor = 2.0;
    double jitter = 0.5; ///< 0: no jitter; 1: anywhere in [0, delay]
};

/// A uniform random number in [0, 1); injected so tests are deterministic.
using RandomSource = std::function<double()>;

/// A RandomSource seeded from the system's entropy (not thread-safe: one per Backoff).
[[nodiscard]] RandomSource system_random();

/// The delays of one retry sequence. Not thread-safe.
class Backoff {
public:
    Backoff(BackoffPolicy policy, RandomSource random);

    /// The delay before the next attempt; grows until reset().
    [[nodiscard]] std::chrono::milliseconds next();
    /// Starts over after a success.
    void reset() { attempt_ = 0; }

private:
    BackoffPolicy policy_;
    RandomSource random_;
    int attempt_ = 0;
};

} // namespace ihpa::kube
