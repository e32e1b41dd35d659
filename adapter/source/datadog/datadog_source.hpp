#pragma once

#include "adapter/clock.hpp"
#include "adapter/source/datadog/datadog_response.hpp"
#include "adapter/source/metric_source.hpp"
#include "net/http_client.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace ihpa::adapter {

/// How to reach Datadog (`sources[].datadog` in the configuration), keys already loaded.
struct DatadogOptions {
    std::string site = "datadoghq.com"; ///< requests go to https://api.<site>
    std::string api_key;                ///< sent as DD-API-KEY
    std::string app_key;                ///< sent as DD-APPLICATION-KEY
    /// Where the keys came from (e.g. "apiKeyFile dd-api.key, appKeyEnv DD_APP_KEY"), named
    /// when Datadog rejects them.
    std::string key_source;
    std::chrono::seconds lookback{300}; ///< `query` takes the latest point this far back
};

/// Datadog over its v1 metrics query API (`GET /api/v1/query?from=&to=&query=`), through an
/// injected net::HttpClient. Queries are Datadog metric queries (see `check_datadog_query`); series
/// are labelled with their tags (see `datadog_labels`).
///
/// Rate limits: every answer's `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until
/// the window resets) are read; after a 429, or when no request remains, the source sends
/// nothing until the reset time on the injected clock (`X-RateLimit-Period`, else one minute,
/// when Reset is missing) and answers at once with an error saying when requests resume.
/// Not thread-safe: one poller drives it.
class DatadogSource final : public MetricSource {
public:
    /// Queries comma-joined into one request at most (the API answers each with its
    /// `query_index`).
    static constexpr std::size_t kMaxQueriesPerRequest = 10;
    /// Bytes of joined query text per request at most, keeping URLs well below common limits.
    static constexpr std::size_t kMaxQueryBytesPerRequest = 2000;
    /// Steps per backfill request at most (see `query_range`).
    static constexpr long kStepsPerRequest = 100;

    /// `clock` must outlive the source.
    DatadogSource(DatadogOptions options, std::unique_ptr<net::HttpClient> client, const Clock& clock);

    // MetricSource
    /// Per series, its latest non-null point within [now - lookback, now]; series without one
    /// are left out.
    [[nodiscard]] std::expected<std::vector<LabelledSample>, std::string>
    query(const std::string& query, std::chrono::system_clock::time_point now) override;
    /// As `query` for each, with the queries comma-joined into as few requests as the limits
    /// above allow. When Datadog rejects a joined request as a bad query (HTTP 400 or status
    /// "error"), its queries are sent one by one so that one bad query fails alone.
    [[nodiscard]] std::vector<std::expected<std::vector<LabelledSample>, std::string>>
    query_batch(std::span<const std::string> queries,
                std::chrono::system_clock::time_point now) override;
    /// True: Datadog keeps history.
    [[nodiscard]] bool keeps_history() const override { return true; }
    /// Datadog's points for [from, to] per series (ordered by labels, points by time). The API
    /// rolls points up to an interval it picks from the window's length (a few hundred points
    /// per series at most), so a long window would come back coarser than `step`: the range is
    /// requested in windows of at most kStepsPerRequest steps, which keeps the API's interval
    /// at or below the step for the steps pollers use (20 s and more). Points the API returns
    /// at a finer interval are passed on as they are.
    [[nodiscard]] std::expected<std::vector<LabelledRange>, std::string>
    query_range(const std::string& query, std::chrono::system_clock::time_point from,
                std::chrono::system_clock::time_point to, std::chrono::seconds step) override;

private:
    /// Why a request failed; `query_rejected` when Datadog refused the query text itself.
    struct Failure {
        std::string message;
        bool query_rejected = false;
    };

    /// One GET /api/v1/query for [from, to] (whole seconds), honouring and updating the rate
    /// limit; the parsed series or why not.
    [[nodiscard]] std::expected<std::vector<DatadogSeries>, Failure>
    fetch(const std::string& query, std::chrono::system_clock::time_point from,
          std::chrono::system_clock::time_point to);
    /// Answers `batch` (valid queries) with one request over [from, to], or one request per
    /// query when Datadog rejects the joined one as a bad query.
    [[nodiscard]] std::vector<std::expected<std::vector<LabelledSample>, std::string>>
    ask(std::span<const std::string> batch, std::chrono::system_clock::time_point from,
        std::chrono::system_clock::time_point to);
    /// Starts a pause when `response` says the rate limit is exhausted.
    void note_rate_limit(const net::HttpResponse& response);
    /// The error returned while paused.
    [[nodiscard]] std::string paused_message() const;
    /// `"datadog api.<site>: <what>"`.
    [[nodiscard]] std::string error(const std::string& what) const;

    DatadogOptions options_;
    std::unique_ptr<net::HttpClient> client_;
    const Clock& clock_;
    std::chrono::system_clock::time_point paused_until_{};
};

} // namespace ihpa::adapter
