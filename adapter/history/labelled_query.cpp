#include "adapter/history/labelled_query.hpp"

#include <cmath>

namespace ihpa::adapter {
namespace {

std::int64_t unix_ms(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

} // namespace

LabelledQuery::LabelledQuery(std::chrono::system_clock::time_point now)
    : last_requested_ms_(unix_ms(now))
{
}

void LabelledQuery::record(std::vector<LabelledSample> answer,
                           std::chrono::system_clock::time_point polled)
{
    std::erase_if(answer, [](const LabelledSample& s) { return !std::isfinite(s.sample.value); });
    latest_.store(std::make_shared<const LabelledAnswer>(LabelledAnswer{std::move(answer), polled}));
}

std::shared_ptr<const LabelledAnswer> LabelledQuery::latest() const
{
    return latest_.load();
}

void LabelledQuery::touch(std::chrono::system_clock::time_point now)
{
    const std::int64_t ms = unix_ms(now);
    std::int64_t seen = last_requested_ms_.load(std::memory_order_relaxed);
    while (seen < ms && !last_requested_ms_.compare_exchange_weak(seen, ms, std::memory_order_relaxed)) {
    }
}

std::chrono::system_clock::time_point LabelledQuery::last_requested() const
{
    return std::chrono::system_clock::time_point(
        std::chrono::milliseconds(last_requested_ms_.load(std::memory_order_relaxed)));
}

} // namespace ihpa::adapter
