#pragma once

#include <cstdint>
#include <vector>

namespace ihpa::simulate {

/// The pods of the scaled workload. A pod created at `t` becomes ready at `t + startup`; a
/// pod removed by a scale-down is gone at once. Scale-down removes pods the way a ReplicaSet
/// ranks them: not-ready pods first, then the newest ready ones.
class PodSet {
public:
    /// `initial` pods, all ready from the start; new pods need `startup_seconds` (>= 0).
    PodSet(int initial, std::int64_t startup_seconds);

    /// Number of pods (ready or not): the HPA's status.replicas.
    [[nodiscard]] int count() const;
    /// Number of pods ready at `now`.
    [[nodiscard]] int ready(std::int64_t now) const;
    /// Creates or removes pods at `now` so that `count() == replicas` (`replicas` >= 0).
    void scale_to(int replicas, std::int64_t now);

private:
    std::int64_t startup_seconds_;
    std::vector<std::int64_t> ready_at_; ///< ascending: the back is the pod removed first
};

} // namespace ihpa::simulate
