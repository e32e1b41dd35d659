#include "adapter/source/prometheus/prometheus_source.hpp"

#include "adapter/source/prometheus/prometheus_response.hpp"
#include "common/log.hpp"
#include "common/url.hpp"
#include "net/token_file.hpp"
#include "net/url.hpp"

#include <algorithm>
#include <map>

namespace ihpa::adapter {
namespace {

using std::chrono::system_clock;

/// Unix seconds with millisecond precision, as Prometheus accepts them ("1700000000.250").
std::string unix_time(system_clock::time_point time)
{
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    const auto fraction = static_cast<int>(((millis % 1000) + 1000) % 1000);
    const long long seconds = (millis - fraction) / 1000;
    std::string out = std::to_string(seconds) + ".";
    const std::string digits = std::to_string(fraction);
    out += std::string(3 - digits.size(), '0') + digits;
    return out;
}

void log_warnings(const std::vector<std::string>& warnings, const std::string& query)
{
    for (const std::string& warning : warnings) {
        IHPA_LOG(warn, "prometheus") << "warning for query " << query << ": " << warning;
    }
}

} // namespace

PrometheusSource::PrometheusSource(PrometheusSourceOptions options,
                                   std::unique_ptr<net::HttpClient> client)
    : options_(std::move(options)), base_url_(options_.url), client_(std::move(client))
{
    if (!options_.bearer_token_file.empty()) {
        token_ = net::token_file_supplier(options_.bearer_token_file);
    }
    while (base_url_.ends_with('/')) {
        base_url_.pop_back();
    }
}

std::string PrometheusSource::error(const std::string& what) const
{
    return "prometheus " + base_url_ + ": " + what;
}

std::expected<net::HttpResponse, std::string>
PrometheusSource::get(const char* path, const std::vector<std::pair<std::string, std::string>>& params)
{
    std::string token;
    if (token_) {
        auto read = token_();
        if (!read) {
            return std::unexpected(error("bearer token: " + read.error()));
        }
        token = std::move(*read);
    }
    net::HttpRequest request;
    request.url = base_url_ + path;
    char separator = '?';
    for (const auto& [name, value] : params) {
        request.url +=
            separator + common::percent_encode(name) + "=" + common::percent_encode(value);
        separator = '&';
    }
    request.headers = options_.headers;
    request.headers.emplace_back("Accept", "application/json");
    if (!token.empty()) {
        request.headers.emplace_back("Authorization", "Bearer " + token);
    }
    auto response = client_->send(request);
    if (!response) {
        return std::unexpected(error(response.error()));
    }
    return response;
}

namespace {

/// The parsed answer of a 200 response, or an error with the status and Prometheus' message
/// (or the start of the body when it is not a Prometheus error).
template <class Parse>
auto checked(const net::HttpResponse& response, Parse&& parse)
    -> std::invoke_result_t<Parse, std::string_view>
{
    if (response.status == 200) {
        return std::forward<Parse>(parse)(std::string_view(response.body));
    }
    const auto message = prometheus::error_message(response.body);
    return std::unexpected("HTTP " + std::to_string(response.status) + ": " +
                           message.value_or(response.body.substr(0, 200)));
}

} // namespace

std::expected<std::vector<LabelledSample>, std::string>
PrometheusSource::query(const std::string& query, system_clock::time_point now)
{
    const std::lock_guard lock(mutex_);
    auto response = get("/api/v1/query", {{"query", query}, {"time", unix_time(now)}});
    if (!response) {
        return std::unexpected(response.error());
    }
    auto result = checked(*response, prometheus::parse_instant_response);
    if (!result) {
        return std::unexpected(error("query " + query + ": " + result.error()));
    }
    log_warnings(result->warnings, query);
    return std::move(result->samples);
}

std::expected<std::vector<LabelledRange>, std::string>
PrometheusSource::query_range(const std::string& query, system_clock::time_point from,
                              system_clock::time_point to, std::chrono::seconds step)
{
    if (step <= std::chrono::seconds::zero()) {
        return std::unexpected(error("query_range needs a positive step"));
    }
    const std::lock_guard lock(mutex_);
    // Points are from, from + step, ... <= to; one request covers kMaxPointsPerRequest of them.
    const auto chunk = step * static_cast<std::chrono::seconds::rep>(kMaxPointsPerRequest);
    std::map<Labels, std::vector<Sample>> joined;
    for (system_clock::time_point start = from; start <= to; start += chunk) {
        const system_clock::time_point end = std::min(to, start + chunk - step);
        auto response = get("/api/v1/query_range", {{"query", query},
                                                     {"start", unix_time(start)},
                                                     {"end", unix_time(end)},
                                                     {"step", std::to_string(step.count())}});
        if (!response) {
            return std::unexpected(response.error());
        }
        auto result = checked(*response, prometheus::parse_range_response);
        if (!result) {
            return std::unexpected(error("query_range " + query + ": " + result.error()));
        }
        log_warnings(result->warnings, query);
        for (LabelledRange& range : result->ranges) {
            auto& samples = joined[std::move(range.labels)];
            samples.insert(samples.end(), range.samples.begin(), range.samples.end());
        }
    }
    std::vector<LabelledRange> out;
    out.reserve(joined.size());
    for (auto& [labels, samples] : joined) {
        out.push_back({labels, std::move(samples)});
    }
    return out;
}

std::expected<std::vector<Labels>, std::string>
PrometheusSource::series(const std::string& match, system_clock::time_point from,
                         system_clock::time_point to)
{
    const std::lock_guard lock(mutex_);
    auto response = get("/api/v1/series",
                        {{"match[]", match}, {"start", unix_time(from)}, {"end", unix_time(to)}});
    if (!response) {
        return std::unexpected(response.error());
    }
    auto result = checked(*response, prometheus::parse_series_response);
    if (!result) {
        return std::unexpected(error("series " + match + ": " + result.error()));
    }
    log_warnings(result->warnings, match);
    return std::move(result->series);
}

std::expected<std::unique_ptr<PrometheusSource>, std::string>
make_prometheus_source(PrometheusSourceOptions options)
{
    if (auto url = net::parse_http_url(options.url); !url) {
        return std::unexpected(url.error());
    }
    net::HttpClientOptions client_options;
    client_options.timeout = options.timeout;
    client_options.tls.ca.file = options.ca_file;
    client_options.tls.insecure_skip_verify = options.insecure_skip_verify;
    client_options.tls.client_cert.file = options.client_cert_file;
    client_options.tls.client_key.file = options.client_key_file;
    auto client = net::make_http_client(client_options);
    if (!client) {
        return std::unexpected(client.error());
    }
    return std::make_unique<PrometheusSource>(std::move(options), std::move(*client));
}

} // namespace ihpa::adapter
