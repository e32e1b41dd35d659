#include "adapter/source/metric_source.hpp"

#include <cmath>

namespace ihpa::adapter {

std::optional<std::chrono::system_clock::time_point> time_from_unix_ms(double ms)
{
    constexpr double kLimit = static_cast<double>(kMaxUnixSeconds) * 1000.0;
    if (!std::isfinite(ms) || ms < -kLimit || ms > kLimit) {
        return std::nullopt;
    }
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(std::llround(ms)));
}

std::vector<std::expected<std::vector<LabelledSample>, std::string>>
MetricSource::query_batch(std::span<const std::string> queries,
                          std::chrono::system_clock::time_point now)
{
    std::vector<std::expected<std::vector<LabelledSample>, std::string>> answers;
    answers.reserve(queries.size());
    for (const std::string& text : queries) {
        answers.push_back(query(text, now));
    }
    return answers;
}

} // namespace ihpa::adapter
