#include "adapter/source/metric_source.hpp"

namespace ihpa::adapter {

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
