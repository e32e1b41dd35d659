#include "apiserver/server_metrics.hpp"

#include <gtest/gtest.h>

namespace ihpa::apiserver {
namespace {

bool has_line(const std::string& text, const std::string& line)
{
    return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(ServerMetricsTest, RendersCountersHistogramAndGauges)
{
    ServerMetrics metrics;
    metrics.observe_request("metric", 200, 0.0003);
    metrics.observe_request("metric", 200, 0.002);
    metrics.observe_request("metric", 404, 0.0001);
    metrics.tls_handshake_failed();
    metrics.connection_opened();
    metrics.connection_opened();
    metrics.connection_closed();
    EXPECT_EQ(metrics.request_started(), 1);
    const std::string text = metrics.render();
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_requests_total{route=\"metric\",code=\"200\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_requests_total{route=\"metric\",code=\"404\"} 1"));
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_request_duration_seconds_bucket{route=\"metric\",le=\"0.0001\"} 1"));
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_request_duration_seconds_bucket{route=\"metric\",le=\"0.0005\"} 2"));
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_request_duration_seconds_bucket{route=\"metric\",le=\"+Inf\"} 3"));
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_request_duration_seconds_count{route=\"metric\"} 3"));
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_requests_in_flight 1"));
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_connections 1"));
    EXPECT_TRUE(has_line(text, "ihpa_apiserver_tls_handshake_errors_total 1"));
    EXPECT_TRUE(has_line(text, "# TYPE ihpa_apiserver_request_duration_seconds histogram"));
}

} // namespace
} // namespace ihpa::apiserver
