#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace ihpa::apiserver {

/// The server's own Prometheus metrics: requests by route and code, a latency histogram per
/// route, requests in flight, open/rejected connections, TLS handshake errors and the serving
/// certificate's expiry and reloads. Thread-safe;
/// `route` labels are the router's fixed route names, so cardinality is bounded.
class ServerMetrics {
public:
    /// Upper bounds (seconds) of the latency histogram buckets.
    static constexpr std::array<double, 12> kLatencyBuckets{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0};

    /// Records one answered request.
    void observe_request(std::string_view route, int code, double seconds);
    /// Counts a failed TLS handshake (including truncated ones and timeouts).
    void tls_handshake_failed() { tls_handshake_errors_.fetch_add(1, std::memory_order_relaxed); }
    /// Counts a connection opened / closed / refused because `--max-connections` was reached.
    void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); }
    void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
    void connection_rejected() { connections_rejected_.fetch_add(1, std::memory_order_relaxed); }
    /// Marks a request as started; returns the number in flight including this one.
    std::int64_t request_started() { return in_flight_.fetch_add(1, std::memory_order_relaxed) + 1; }
    /// Marks a request as finished.
    void request_finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
    /// Records the NotAfter (Unix seconds) of the serving certificate loaded at start-up.
    void serving_certificate_loaded(std::int64_t not_after)
    {
        serving_certificate_not_after_.store(not_after, std::memory_order_relaxed);
    }
    /// Records a new serving certificate taken into use by a reload, and its NotAfter.
    void serving_certificate_reloaded(std::int64_t not_after)
    {
        serving_certificate_loaded(not_after);
        serving_certificate_reloads_.fetch_add(1, std::memory_order_relaxed);
    }
    /// Counts changed serving certificate files that were rejected (the old pair stays in use).
    void serving_certificate_reload_failed()
    {
        serving_certificate_reload_failures_.fetch_add(1, std::memory_order_relaxed);
    }
    /// Open connections now.
    [[nodiscard]] std::int64_t connections() const
    {
        return connections_.load(std::memory_order_relaxed);
    }

    /// The metrics in Prometheus text exposition format 0.0.4.
    [[nodiscard]] std::string render() const;

private:
    struct RouteStats {
        std::map<int, std::uint64_t> by_code;
        std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0.0;
    };

    mutable std::mutex mutex_;
    std::map<std::string, RouteStats, std::less<>> routes_;
    std::atomic<std::int64_t> in_flight_{0};
    std::atomic<std::int64_t> connections_{0};
    std::atomic<std::uint64_t> connections_rejected_{0};
    std::atomic<std::uint64_t> tls_handshake_errors_{0};
    std::atomic<std::int64_t> serving_certificate_not_after_{0};
    std::atomic<std::uint64_t> serving_certificate_reloads_{0};
    std::atomic<std::uint64_t> serving_certificate_reload_failures_{0};
};

} // namespace ihpa::apiserver
