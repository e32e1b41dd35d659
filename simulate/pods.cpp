#include "simulate/pods.hpp"

#include <algorithm>
#include <cassert>
#include <climits>

namespace ihpa::simulate {

PodSet::PodSet(int initial, std::int64_t startup_seconds)
    : startup_seconds_(startup_seconds), ready_at_(static_cast<std::size_t>(initial), INT64_MIN)
{
    assert(initial >= 0 && startup_seconds >= 0);
}

int PodSet::count() const
{
    return static_cast<int>(ready_at_.size());
}

int PodSet::ready(std::int64_t now) const
{
    // ready_at_ is sorted, so the ready pods are a prefix.
    return static_cast<int>(std::upper_bound(ready_at_.begin(), ready_at_.end(), now) - ready_at_.begin());
}

void PodSet::scale_to(int replicas, std::int64_t now)
{
    assert(replicas >= 0);
    // Every existing pod got ready_at <= (an earlier now) + startup, so appending keeps the order;
    // removing from the back drops not-ready pods first, then the youngest ready ones.
    ready_at_.resize(static_cast<std::size_t>(replicas), now + startup_seconds_);
}

} // namespace ihpa::simulate
