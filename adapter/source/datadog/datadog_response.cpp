#include "adapter/source/datadog/datadog_response.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace ihpa::adapter {
namespace {

using nlohmann::json;

/// The comma-separated tags of a `scope` ("env:prod,service:web", or "*").
std::vector<std::string> split_scope(const std::string& scope)
{
    std::vector<std::string> tags;
    std::size_t start = 0;
    while (start <= scope.size()) {
        const std::size_t comma = scope.find(',', start);
        const std::size_t end = comma == std::string::npos ? scope.size() : comma;
        if (end > start) {
            tags.push_back(scope.substr(start, end - start));
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return tags;
}

std::expected<std::vector<Sample>, std::string> parse_points(const json& pointlist)
{
    std::vector<Sample> points;
    if (pointlist.is_null()) {
        return points;
    }
    if (!pointlist.is_array()) {
        return std::unexpected("pointlist is not a list");
    }
    for (const json& point : pointlist) {
        if (!point.is_array() || point.size() != 2 || !point[0].is_number()) {
            return std::unexpected("pointlist entry " + point.dump() +
                                   " is not [milliseconds, value]");
        }
        if (point[1].is_null()) {
            continue;
        }
        if (!point[1].is_number()) {
            return std::unexpected("pointlist value " + point[1].dump() + " is not a number");
        }
        const auto time = time_from_unix_ms(point[0].get<double>());
        if (!time) {
            return std::unexpected("pointlist time " + point[0].dump() + " is out of range");
        }
        points.push_back(Sample{*time, point[1].get<double>()});
    }
    return points;
}

std::expected<DatadogSeries, std::string> parse_series(const json& entry)
{
    if (!entry.is_object()) {
        return std::unexpected("a series is not an object");
    }
    DatadogSeries series;
    if (const auto index = entry.find("query_index"); index != entry.end() && !index->is_null()) {
        if (!index->is_number_unsigned()) {
            return std::unexpected("query_index " + index->dump() + " is not a whole number");
        }
        series.query_index = index->get<std::size_t>();
    }
    std::vector<std::string> tags;
    if (const auto scope = entry.find("scope"); scope != entry.end() && scope->is_string()) {
        tags = split_scope(scope->get<std::string>());
    }
    if (const auto tag_set = entry.find("tag_set"); tag_set != entry.end() && tag_set->is_array()) {
        // tag_set identifies the series (its group-by tags): they win over the scope's filters.
        std::vector<std::string> identifying;
        for (const json& tag : *tag_set) {
            if (tag.is_string()) {
                identifying.push_back(tag.get<std::string>());
            }
        }
        tags.insert(tags.begin(), identifying.begin(), identifying.end());
    }
    series.labels = datadog_labels(tags);
    auto points = parse_points(entry.contains("pointlist") ? entry["pointlist"] : json());
    if (!points) {
        return std::unexpected(points.error());
    }
    series.points = std::move(*points);
    return series;
}

} // namespace

std::expected<DatadogAnswer, std::string> parse_datadog_response(std::string_view body)
{
    const json document = json::parse(body, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return std::unexpected("the answer is not a JSON object");
    }
    const auto status = document.find("status");
    if (status != document.end() && *status == "error") {
        const auto error = document.find("error");
        std::string message = error != document.end() && error->is_string()
                                   ? error->get<std::string>()
                                   : std::string();
        return DatadogAnswer{{}, message.empty() ? "status \"error\" without a message" : message};
    }
    DatadogAnswer answer;
    const auto list = document.find("series");
    if (list == document.end() || list->is_null()) {
        return answer;
    }
    if (!list->is_array()) {
        return std::unexpected("series is not a list");
    }
    for (const json& entry : *list) {
        auto series = parse_series(entry);
        if (!series) {
            return std::unexpected("series " + std::to_string(answer.series.size()) + ": " +
                                   series.error());
        }
        answer.series.push_back(std::move(*series));
    }
    return answer;
}

std::string datadog_error_message(std::string_view body)
{
    const json document = json::parse(body, nullptr, false);
    if (!document.is_discarded() && document.is_object()) {
        const auto errors = document.find("errors");
        if (errors != document.end() && errors->is_array() && !errors->empty()) {
            std::string message;
            for (const json& error : *errors) {
                message += message.empty() ? "" : "; ";
                message += error.is_string() ? error.get<std::string>() : error.dump();
            }
            return message;
        }
    }
    constexpr std::size_t kShown = 200;
    return std::string(body.substr(0, kShown));
}

Labels datadog_labels(const std::vector<std::string>& tags)
{
    Labels labels;
    for (const std::string& tag : tags) {
        if (tag == "*" || tag.empty()) {
            continue;
        }
        const std::size_t colon = tag.find(':');
        if (colon == std::string::npos) {
            labels.emplace(tag, "");
        } else {
            labels.emplace(tag.substr(0, colon), tag.substr(colon + 1));
        }
    }
    return labels;
}

} // namespace ihpa::adapter
