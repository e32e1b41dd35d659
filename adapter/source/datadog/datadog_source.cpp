#include "adapter/source/datadog/datadog_source.hpp"

#include "adapter/source/datadog/datadog_query.hpp"
#include "common/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <map>
#include <optional>

namespace ihpa::adapter {
namespace {

using Answer = std::expected<std::vector<LabelledSample>, std::string>;
using TimePoint = std::chrono::system_clock::time_point;

/// The pause after an exhausted rate limit whose answer says nothing about its reset.
constexpr std::chrono::seconds kDefaultPause{60};

long long epoch_seconds(TimePoint time)
{
    return std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
}

/// `2023-11-14T22:13:20Z`.
std::string utc_text(TimePoint time)
{
    const auto seconds = static_cast<std::time_t>(epoch_seconds(time));
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

/// A whole number of seconds in header `name`; nullopt when absent or malformed.
std::optional<long> header_seconds(const net::HttpResponse& response, std::string_view name)
{
    const std::string text = response.header(name);
    long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

std::string join(std::span<const std::string> queries)
{
    std::string joined;
    for (const std::string& query : queries) {
        joined += joined.empty() ? "" : ",";
        joined += query;
    }
    return joined;
}

} // namespace

DatadogSource::DatadogSource(DatadogOptions options, std::unique_ptr<net::HttpClient> client,
                             const Clock& clock)
    : options_(std::move(options)), client_(std::move(client)), clock_(clock)
{
}

std::string DatadogSource::error(const std::string& what) const
{
    return "datadog api." + options_.site + ": " + what;
}

std::string DatadogSource::paused_message() const
{
    const auto left = std::chrono::ceil<std::chrono::seconds>(paused_until_ - clock_.now());
    return error("rate limit exhausted; requests resume at " + utc_text(paused_until_) + " (in " +
                 std::to_string(left.count()) + "s)");
}

void DatadogSource::note_rate_limit(const net::HttpResponse& response)
{
    if (response.status != 429 && response.header("X-RateLimit-Remaining") != "0") {
        return;
    }
    auto wait = header_seconds(response, "X-RateLimit-Reset");
    if (!wait) {
        wait = header_seconds(response, "X-RateLimit-Period");
    }
    paused_until_ = clock_.now() + std::chrono::seconds(wait.value_or(kDefaultPause.count()));
}

std::expected<std::vector<DatadogSeries>, DatadogSource::Failure>
DatadogSource::fetch(const std::string& query, TimePoint from, TimePoint to)
{
    if (clock_.now() < paused_until_) {
        return std::unexpected(Failure{paused_message()});
    }
    net::HttpRequest request;
    request.url = "https://api." + options_.site + "/api/v1/query?from=" +
                  std::to_string(epoch_seconds(from)) + "&to=" + std::to_string(epoch_seconds(to)) +
                  "&query=" + common::percent_encode(query);
    request.headers = {{"DD-API-KEY", options_.api_key},
                       {"DD-APPLICATION-KEY", options_.app_key},
                       {"Accept", "application/json"}};
    const auto response = client_->send(request);
    if (!response) {
        return std::unexpected(Failure{error(response.error())});
    }
    note_rate_limit(*response);
    const std::string status = std::to_string(response->status);
    switch (response->status) {
    case 200:
        break;
    case 400:
        return std::unexpected(
            Failure{error("HTTP 400: " + datadog_error_message(response->body)), true});
    case 401:
    case 403:
        return std::unexpected(Failure{error("HTTP " + status + " (" +
                                             datadog_error_message(response->body) +
                                             "): check the keys (" + options_.key_source + ")")});
    case 429:
        return std::unexpected(Failure{paused_message()});
    default:
        return std::unexpected(
            Failure{error("HTTP " + status + ": " + datadog_error_message(response->body))});
    }
    auto answer = parse_datadog_response(response->body);
    if (!answer) {
        return std::unexpected(Failure{error("unreadable answer: " + answer.error())});
    }
    if (!answer->error.empty()) {
        return std::unexpected(Failure{error("query rejected: " + answer->error), true});
    }
    return std::move(answer->series);
}

std::vector<Answer> DatadogSource::ask(std::span<const std::string> batch, TimePoint from,
                                       TimePoint to)
{
    auto series = fetch(join(batch), from, to);
    if (!series && series.error().query_rejected && batch.size() > 1) {
        std::vector<Answer> answers;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            answers.push_back(std::move(ask(batch.subspan(i, 1), from, to).front()));
        }
        return answers;
    }
    if (!series) {
        return std::vector<Answer>(batch.size(), std::unexpected(series.error().message));
    }
    std::vector<Answer> answers(batch.size());
    for (DatadogSeries& each : *series) {
        if (each.query_index >= batch.size()) {
            return std::vector<Answer>(
                batch.size(), std::unexpected(error("answer has query_index " +
                                                    std::to_string(each.query_index) + " for " +
                                                    std::to_string(batch.size()) + " queries")));
        }
        const auto latest = std::max_element(
            each.points.begin(), each.points.end(),
            [](const Sample& a, const Sample& b) { return a.time < b.time; });
        if (latest != each.points.end()) {
            answers[each.query_index]->push_back(LabelledSample{std::move(each.labels), *latest});
        }
    }
    return answers;
}

std::expected<std::vector<LabelledSample>, std::string>
DatadogSource::query(const std::string& query, TimePoint now)
{
    auto answers = query_batch(std::span<const std::string>(&query, 1), now);
    return std::move(answers.front());
}

std::vector<Answer> DatadogSource::query_batch(std::span<const std::string> queries, TimePoint now)
{
    std::vector<Answer> answers(queries.size());
    std::vector<std::size_t> valid;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        if (auto checked = check_datadog_query(queries[i]); !checked) {
            answers[i] = std::unexpected(error("query \"" + queries[i] + "\": " + checked.error()));
        } else {
            valid.push_back(i);
        }
    }
    std::size_t next = 0;
    while (next < valid.size()) {
        std::vector<std::size_t> indices{valid[next++]};
        std::vector<std::string> batch{queries[indices.front()]};
        std::size_t bytes = batch.front().size();
        while (next < valid.size() && batch.size() < kMaxQueriesPerRequest &&
               bytes + 1 + queries[valid[next]].size() <= kMaxQueryBytesPerRequest) {
            bytes += 1 + queries[valid[next]].size();
            indices.push_back(valid[next]);
            batch.push_back(queries[valid[next++]]);
        }
        auto batch_answers = ask(batch, now - options_.lookback, now);
        for (std::size_t i = 0; i < indices.size(); ++i) {
            answers[indices[i]] = std::move(batch_answers[i]);
        }
    }
    return answers;
}

std::expected<std::vector<LabelledRange>, std::string>
DatadogSource::query_range(const std::string& query, TimePoint from, TimePoint to,
                           std::chrono::seconds step)
{
    if (auto checked = check_datadog_query(query); !checked) {
        return std::unexpected(error("query \"" + query + "\": " + checked.error()));
    }
    if (step < std::chrono::seconds(1) || to < from) {
        return std::unexpected(error("invalid range: step below 1s or end before start"));
    }
    const auto window = step * kStepsPerRequest;
    std::map<Labels, std::vector<Sample>> merged;
    for (TimePoint begin = from;; begin += window) {
        const TimePoint end = std::min(to, begin + window);
        auto series = fetch(query, begin, end);
        if (!series) {
            return std::unexpected(series.error().message);
        }
        for (DatadogSeries& each : *series) {
            std::vector<Sample>& samples = merged[std::move(each.labels)];
            for (const Sample& point : each.points) {
                // Adjacent windows share their boundary instant: keep each time once.
                if (samples.empty() || point.time > samples.back().time) {
                    samples.push_back(point);
                }
            }
        }
        if (end >= to) {
            break;
        }
    }
    std::vector<LabelledRange> ranges;
    for (auto& [labels, samples] : merged) {
        ranges.push_back(LabelledRange{labels, std::move(samples)});
    }
    return ranges;
}

} // namespace ihpa::adapter
