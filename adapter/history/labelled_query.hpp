#pragma once

#include "adapter/source/metric_source.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace ihpa::adapter {

/// A query's whole answer at one poll: every series it selected, with its labels.
struct LabelledAnswer {
    std::vector<LabelledSample> items; ///< finite values only (NaN and infinities have no Quantity)
    std::chrono::system_clock::time_point polled; ///< when the source gave this answer
};

/// A query whose answer is served series by series, as external rules serve theirs (a
/// pass-through metric instead keeps the sum in its history). A poller records each successful
/// answer; requests read the latest and say when they last needed it (the registry drops
/// queries nobody needs). Thread-safe and lock-free for readers.
class LabelledQuery {
public:
    /// `now`: the moment of the request that subscribed.
    explicit LabelledQuery(std::chrono::system_clock::time_point now);

    /// Replaces the answer with `answer` (non-finite values are left out), polled at `polled`.
    void record(std::vector<LabelledSample> answer, std::chrono::system_clock::time_point polled);
    /// The latest answer; null before the first successful poll.
    [[nodiscard]] std::shared_ptr<const LabelledAnswer> latest() const;

    /// Notes that a request needed the answer at `now`.
    void touch(std::chrono::system_clock::time_point now);
    /// When a request last needed the answer.
    [[nodiscard]] std::chrono::system_clock::time_point last_requested() const;

private:
    std::atomic<std::shared_ptr<const LabelledAnswer>> latest_;
    std::atomic<std::int64_t> last_requested_ms_;
};

} // namespace ihpa::adapter
