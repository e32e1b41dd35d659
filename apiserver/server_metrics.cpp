#include "apiserver/server_metrics.hpp"

#include "common/number_text.hpp"

#include <sstream>

namespace ihpa::apiserver {
void ServerMetrics::observe_request(std::string_view route, int code, double seconds)
{
    const std::lock_guard lock(mutex_);
    auto it = routes_.find(route);
    if (it == routes_.end()) {
        it = routes_.emplace(std::string(route), RouteStats{}).first;
    }
    RouteStats& stats = it->second;
    ++stats.by_code[code];
    ++stats.count;
    stats.sum += seconds;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        if (seconds <= kLatencyBuckets[i]) {
            ++stats.buckets[i];
        }
    }
}

std::string ServerMetrics::render() const
{
    std::ostringstream out;
    out << "# HELP ihpa_apiserver_requests_total Requests answered, by route and HTTP status code.\n"
        << "# TYPE ihpa_apiserver_requests_total counter\n";
    const std::lock_guard lock(mutex_);
    for (const auto& [route, stats] : routes_) {
        for (const auto& [code, count] : stats.by_code) {
            out << "ihpa_apiserver_requests_total{route=\"" << route << "\",code=\"" << code
                << "\"} " << count << '\n';
        }
    }
    out << "# HELP ihpa_apiserver_request_duration_seconds Time from a complete request to its "
           "response being handed to TLS, by route.\n"
        << "# TYPE ihpa_apiserver_request_duration_seconds histogram\n";
    for (const auto& [route, stats] : routes_) {
        for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
            out << "ihpa_apiserver_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
                << common::shortest_fixed_text(kLatencyBuckets[i]) << "\"} " << stats.buckets[i] << '\n';
        }
        out << "ihpa_apiserver_request_duration_seconds_bucket{route=\"" << route
            << "\",le=\"+Inf\"} " << stats.count << '\n'
            << "ihpa_apiserver_request_duration_seconds_sum{route=\"" << route << "\"} "
            << common::shortest_fixed_text(stats.sum) << '\n'
            << "ihpa_apiserver_request_duration_seconds_count{route=\"" << route << "\"} "
            << stats.count << '\n';
    }
    out << "# HELP ihpa_apiserver_requests_in_flight Requests being handled now.\n"
        << "# TYPE ihpa_apiserver_requests_in_flight gauge\n"
        << "ihpa_apiserver_requests_in_flight " << in_flight_.load(std::memory_order_relaxed)
        << '\n'
        << "# HELP ihpa_apiserver_connections Open client connections.\n"
        << "# TYPE ihpa_apiserver_connections gauge\n"
        << "ihpa_apiserver_connections " << connections_.load(std::memory_order_relaxed) << '\n'
        << "# HELP ihpa_apiserver_connections_rejected_total Connections closed at once because "
           "the connection limit was reached.\n"
        << "# TYPE ihpa_apiserver_connections_rejected_total counter\n"
        << "ihpa_apiserver_connections_rejected_total "
        << connections_rejected_.load(std::memory_order_relaxed) << '\n'
        << "# HELP ihpa_apiserver_tls_handshake_errors_total TLS handshakes that failed.\n"
        << "# TYPE ihpa_apiserver_tls_handshake_errors_total counter\n"
        << "ihpa_apiserver_tls_handshake_errors_total "
        << tls_handshake_errors_.load(std::memory_order_relaxed) << '\n'
        << "# HELP ihpa_serving_certificate_expiry_timestamp_seconds NotAfter of the serving "
           "certificate in use, in Unix seconds.\n"
        << "# TYPE ihpa_serving_certificate_expiry_timestamp_seconds gauge\n"
        << "ihpa_serving_certificate_expiry_timestamp_seconds "
        << serving_certificate_not_after_.load(std::memory_order_relaxed) << '\n'
        << "# HELP ihpa_serving_certificate_reloads_total Changed serving certificate files taken "
           "into use.\n"
        << "# TYPE ihpa_serving_certificate_reloads_total counter\n"
        << "ihpa_serving_certificate_reloads_total "
        << serving_certificate_reloads_.load(std::memory_order_relaxed) << '\n'
        << "# HELP ihpa_serving_certificate_reload_failures_total Changed serving certificate "
           "files rejected (unreadable, unparsable or key not matching); the old pair stays in use.\n"
        << "# TYPE ihpa_serving_certificate_reload_failures_total counter\n"
        << "ihpa_serving_certificate_reload_failures_total "
        << serving_certificate_reload_failures_.load(std::memory_order_relaxed) << '\n';
    return out.str();
}

} // namespace ihpa::apiserver
