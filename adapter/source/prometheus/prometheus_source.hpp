#pragma once

#include "adapter/source/metric_source.hpp"
#include "net/http_client.hpp"

#include <chrono>
#include <cstddef>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ihpa::adapter {

/// How to reach a Prometheus server (`sources[].prometheus` in the configuration).
struct PrometheusSourceOptions {
    std::string url;                           ///< base URL; a path prefix (`/prometheus`) is kept
    std::chrono::milliseconds timeout{10000};  ///< per HTTP request
    std::string bearer_token_file;             ///< sent as `Authorization: Bearer`; re-read on change
    std::string ca_file;                       ///< PEM CA bundle; empty: the system's
    bool insecure_skip_verify = false;         ///< skip TLS server verification
    std::string client_cert_file;              ///< PEM client certificate (mutual TLS)
    std::string client_key_file;               ///< its key
    std::vector<std::pair<std::string, std::string>> headers; ///< extra headers on every request
};

/// A metric source that can also list the series a selector matches (Prometheus'
/// /api/v1/series): what prometheus-adapter style external rules discover metric names with.
class SeriesSource : public MetricSource {
public:
    /// The label sets (with `__name__`) of the series `match` selects between `from` and `to`.
    [[nodiscard]] virtual std::expected<std::vector<Labels>, std::string>
    series(const std::string& match, std::chrono::system_clock::time_point from,
           std::chrono::system_clock::time_point to) = 0;
};

/// Prometheus over its HTTP API. Thread-safe: calls are serialised on one client (one kept
/// connection), so a poller and the external-rules refresher may share an instance. Errors name
/// the server and what failed: the transport error, or the HTTP status with Prometheus' own
/// `errorType: error` text. Warnings in answers are logged.
class PrometheusSource final : public SeriesSource {
public:
    /// Prometheus refuses range queries of more than 11,000 points per series; longer ranges are
    /// split into requests of at most this many points.
    static constexpr std::size_t kMaxPointsPerRequest = 11000;

    /// `options.url` must be a valid http(s) URL (see `net::parse_http_url`); `client` sends the
    /// requests (tests inject a fake). The bearer token file, if any, is read before every
    /// request (again only when it changed) and sent by the source itself.
    PrometheusSource(PrometheusSourceOptions options, std::unique_ptr<net::HttpClient> client);

    /// GET /api/v1/query?query=..&time=now (vector or scalar results).
    [[nodiscard]] std::expected<std::vector<LabelledSample>, std::string>
    query(const std::string& query, std::chrono::system_clock::time_point now) override;

    /// Always true: Prometheus keeps history.
    [[nodiscard]] bool keeps_history() const override { return true; }

    /// GET /api/v1/query_range, split into chunks of at most kMaxPointsPerRequest points; the
    /// chunks' samples are joined per label set (ranges ordered by labels, samples by time).
    [[nodiscard]] std::expected<std::vector<LabelledRange>, std::string>
    query_range(const std::string& query, std::chrono::system_clock::time_point from,
                std::chrono::system_clock::time_point to, std::chrono::seconds step) override;

    /// GET /api/v1/series?match[]=..&start=..&end=..
    [[nodiscard]] std::expected<std::vector<Labels>, std::string>
    series(const std::string& match, std::chrono::system_clock::time_point from,
           std::chrono::system_clock::time_point to) override;

private:
    /// Sends GET `path` with the URL-encoded `params`; the body of a 200 answer, or an error.
    /// Caller holds mutex_.
    std::expected<net::HttpResponse, std::string>
    get(const char* path, const std::vector<std::pair<std::string, std::string>>& params);
    /// `"prometheus <url>: <what>"`.
    [[nodiscard]] std::string error(const std::string& what) const;

    std::mutex mutex_;
    PrometheusSourceOptions options_;
    std::string base_url_; ///< options_.url without a trailing '/'
    std::unique_ptr<net::HttpClient> client_;
    net::TokenSupplier token_; ///< unset without a bearer token file
};

/// Builds a live PrometheusSource with a real HTTP client; the error names a bad URL or an
/// unreadable CA, certificate or key file.
[[nodiscard]] std::expected<std::unique_ptr<PrometheusSource>, std::string>
make_prometheus_source(PrometheusSourceOptions options);

} // namespace ihpa::adapter
