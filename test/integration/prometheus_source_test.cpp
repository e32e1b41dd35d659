// PrometheusSource (and the HTTP client under it) against a real Prometheus loaded with a known
// history through promtool.

#include "adapter/serving/external_rules_provider.hpp"
#include "adapter/source/prometheus/prometheus_source.hpp"
#include "net/http_client.hpp"
#include "test/fakes/fake_clock.hpp"
#include "test/integration/serve_fixture.hpp"
#include "test/support/prometheus_fixture.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>

namespace ihpa::adapter {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

constexpr std::int64_t kStep = 60;
constexpr std::int64_t kPoints = 8 * 1440 + 1; // 8 days at 1 minute: two range requests

system_clock::time_point at(std::int64_t unix_seconds)
{
    return system_clock::time_point(seconds(unix_seconds));
}

/// The newest minute at or before now: the history's last point.
std::int64_t current_minute()
{
    const auto now = std::chrono::duration_cast<seconds>(system_clock::now().time_since_epoch());
    return now.count() / kStep * kStep;
}

/// Values with fractions and a trend, so an off-by-one step or a rounded value shows.
double value_at(std::int64_t index, double offset)
{
    return offset + 50.0 * std::sin(static_cast<double>(index) / 97.0) +
           static_cast<double>(index) * 0.001;
}

test::PrometheusSeries queue(const std::string& name, const std::string& ns, double offset,
                             std::int64_t end)
{
    test::PrometheusSeries series{"queue_depth", {{"namespace", ns}, {"queue", name}}, {}};
    for (std::int64_t i = 0; i < kPoints; ++i) {
        series.points.emplace_back(end - (kPoints - 1 - i) * kStep, value_at(i, offset));
    }
    return series;
}

class PrometheusIntegration : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        if (!test::PrometheusServer::available()) {
            return;
        }
        end_ = current_minute();
        history_ = {queue("emails", "mail", 1000.0, end_), queue("orders", "shop", 100.0, end_)};
        server_ = new test::PrometheusServer(history_);
    }
    static void TearDownTestSuite()
    {
        delete server_;
        server_ = nullptr;
    }
    void SetUp() override
    {
        if (server_ == nullptr) {
            GTEST_SKIP() << "prometheus and promtool are not installed (Debian packages "
                            "prometheus): skipping the real-Prometheus tests";
        }
        ASSERT_TRUE(server_->running()) << server_->error();
    }

    static std::unique_ptr<PrometheusSource> source()
    {
        PrometheusSourceOptions options;
        options.url = server_->url();
        options.timeout = std::chrono::seconds(10);
        auto made = make_prometheus_source(options);
        EXPECT_TRUE(made) << made.error();
        return made ? std::move(*made) : nullptr;
    }

    static inline test::PrometheusServer* server_ = nullptr;
    static inline std::vector<test::PrometheusSeries> history_;
    static inline std::int64_t end_ = 0;
};

TEST_F(PrometheusIntegration, InstantQueryReturnsTheNewestWrittenValue)
{
    auto prometheus = source();
    const auto result = prometheus->query("queue_depth", at(end_));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(result->size(), 2U);
    EXPECT_EQ((*result)[1].labels,
              (Labels{{"__name__", "queue_depth"}, {"namespace", "shop"}, {"queue", "orders"}}));
    EXPECT_EQ((*result)[1].sample.value, history_[1].points.back().second);
    EXPECT_EQ((*result)[1].sample.time, at(end_));

    const auto scalar = prometheus->query("scalar(count(queue_depth))", at(end_));
    ASSERT_TRUE(scalar) << scalar.error();
    ASSERT_EQ(scalar->size(), 1U);
    EXPECT_EQ((*scalar)[0].sample.value, 2.0);
}

TEST_F(PrometheusIntegration, RangeBackfillEqualsTheWrittenHistoryExactly)
{
    auto prometheus = source();
    const std::int64_t start = end_ - (kPoints - 1) * kStep;
    const auto result =
        prometheus->query_range("queue_depth", at(start), at(end_), seconds(kStep));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(result->size(), 2U);
    for (std::size_t s = 0; s < 2; ++s) {
        SCOPED_TRACE(history_[s].labels.at("queue"));
        const auto& got = (*result)[s].samples;
        const auto& written = history_[s].points;
        ASSERT_EQ(got.size(), written.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            ASSERT_EQ(got[i].time, at(written[i].first)) << "point " << i;
            ASSERT_EQ(got[i].value, written[i].second) << "point " << i;
        }
    }
}

TEST_F(PrometheusIntegration, SeriesDiscoveryListsTheWrittenSeries)
{
    auto prometheus = source();
    const auto result =
        prometheus->series("{__name__=~\"queue_.*\"}", at(end_ - 600), at(end_));
    ASSERT_TRUE(result) << result.error();
    const std::vector<Labels> expected{
        {{"__name__", "queue_depth"}, {"namespace", "mail"}, {"queue", "emails"}},
        {{"__name__", "queue_depth"}, {"namespace", "shop"}, {"queue", "orders"}}};
    EXPECT_EQ(*result, expected);
}

TEST_F(PrometheusIntegration, BadQueriesReportPrometheusOwnMessage)
{
    auto prometheus = source();
    const auto result = prometheus->query("sum(queue_depth", at(end_));
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find("HTTP 400: bad_data: invalid parameter \"query\""),
              std::string::npos)
        << result.error();
    const auto matrix = prometheus->query("queue_depth[5m]", at(end_));
    ASSERT_FALSE(matrix);
    EXPECT_NE(matrix.error().find("range vector"), std::string::npos) << matrix.error();
}

TEST_F(PrometheusIntegration, AKilledServerIsAnErrorAndARestartRecovers)
{
    // A server of its own: the suite's shared one stays up for the other tests.
    test::PrometheusServer server({history_[1]});
    ASSERT_TRUE(server.running()) << server.error();
    PrometheusSourceOptions options;
    options.url = server.url();
    auto prometheus = make_prometheus_source(options);
    ASSERT_TRUE(prometheus) << prometheus.error();
    ASSERT_TRUE((*prometheus)->query("queue_depth", at(end_))); // keeps the connection alive

    server.kill();
    const auto down = (*prometheus)->query("queue_depth", at(end_));
    ASSERT_FALSE(down);
    EXPECT_NE(down.error().find("connect failed"), std::string::npos) << down.error();

    ASSERT_TRUE(server.restart()) << server.error();
    const auto back = (*prometheus)->query("queue_depth", at(end_));
    ASSERT_TRUE(back) << back.error();
    ASSERT_EQ(back->size(), 1U);
    EXPECT_EQ((*back)[0].sample.value, history_[1].points.back().second);
}

TEST_F(PrometheusIntegration, AKeptConnectionClosedByTheServerIsReopenedTransparently)
{
    test::PrometheusServer server({history_[1]});
    ASSERT_TRUE(server.running()) << server.error();
    PrometheusSourceOptions options;
    options.url = server.url();
    auto prometheus = make_prometheus_source(options);
    ASSERT_TRUE(prometheus) << prometheus.error();
    ASSERT_TRUE((*prometheus)->query("queue_depth", at(end_)));
    // Between two polls the server restarts: the kept connection is dead, the next call works.
    ASSERT_TRUE(server.restart()) << server.error();
    const auto result = (*prometheus)->query("queue_depth", at(end_));
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->size(), 1U);
}

TEST_F(PrometheusIntegration, ConnectingToAnHttpServerOverTlsFailsClearly)
{
    PrometheusSourceOptions options;
    options.url = "https://127.0.0.1:" + std::to_string(server_->port());
    auto prometheus = make_prometheus_source(options);
    ASSERT_TRUE(prometheus) << prometheus.error();
    const auto result = (*prometheus)->query("up", at(end_));
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find("TLS handshake failed"), std::string::npos) << result.error();
}

TEST_F(PrometheusIntegration, AnswersLargerThanTheBodyLimitAreErrors)
{
    net::HttpClientOptions options;
    options.max_body_bytes = 100;
    auto client = net::make_http_client(options);
    ASSERT_TRUE(client) << client.error();
    const auto result =
        (*client)->send({"GET", server_->url() + "/api/v1/series?match[]=queue_depth", {}, ""});
    ASSERT_FALSE(result) << result->status;
    EXPECT_EQ(result.error(), "127.0.0.1:" + std::to_string(server_->port()) +
                                  ": read failed: response body larger than 100 bytes");
    const auto small = (*client)->send({"GET", server_->url() + "/-/ready", {}, ""});
    ASSERT_TRUE(small) << small.error();
    EXPECT_EQ(small->status, 200);
}

TEST(HttpClientTimeout, AServerThatNeverAnswersTimesOutTheWholeRequest)
{
    // A listening socket nobody accepts on: the connection completes in the kernel's backlog,
    // the request is written, and no answer ever comes.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(fd, 4), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    const std::string port = std::to_string(ntohs(address.sin_port));

    net::HttpClientOptions options;
    options.timeout = std::chrono::milliseconds(300);
    auto client = net::make_http_client(options);
    ASSERT_TRUE(client) << client.error();
    const auto started = std::chrono::steady_clock::now();
    const auto result = (*client)->send({"GET", "http://127.0.0.1:" + port + "/", {}, ""});
    const auto took = std::chrono::steady_clock::now() - started;
    ::close(fd);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), "127.0.0.1:" + port + ": read failed: timed out after 300 ms");
    EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(PrometheusIntegration, TlsVerifiesTheServerAndPresentsAClientCertificate)
{
    const auto& certs = test::Certificates::get();
    ASSERT_TRUE(certs.ok()) << "certs/make-certs.sh failed";
    test::PrometheusServer server({history_[1]}, {certs.file("serving.crt"),
                                                  certs.file("serving.key"),
                                                  certs.file("front-proxy-ca.crt")});
    ASSERT_TRUE(server.running()) << server.error();
    const auto query_with = [&](const std::function<void(PrometheusSourceOptions&)>& set) {
        PrometheusSourceOptions options;
        options.url = server.url();
        set(options);
        auto made = make_prometheus_source(options);
        return made ? (*made)->query("queue_depth", at(end_))
                    : std::unexpected("cannot build the source: " + made.error());
    };
    const auto with_client = [&](PrometheusSourceOptions& options) {
        options.client_cert_file = certs.file("front-proxy-client.crt");
        options.client_key_file = certs.file("front-proxy-client.key");
    };

    const auto verified = query_with([&](PrometheusSourceOptions& options) {
        options.ca_file = certs.file("serving-ca.crt");
        with_client(options);
    });
    ASSERT_TRUE(verified) << verified.error();
    EXPECT_EQ(verified->size(), 1U);

    const auto unknown_ca = query_with(with_client); // the system's CAs do not know ours
    ASSERT_FALSE(unknown_ca);
    EXPECT_NE(unknown_ca.error().find("TLS handshake failed: certificate verify failed"),
              std::string::npos)
        << unknown_ca.error();

    const auto skipped = query_with([&](PrometheusSourceOptions& options) {
        options.insecure_skip_verify = true;
        with_client(options);
    });
    EXPECT_TRUE(skipped) << skipped.error();

    const auto no_client = query_with(
        [&](PrometheusSourceOptions& options) { options.ca_file = certs.file("serving-ca.crt"); });
    EXPECT_FALSE(no_client); // Prometheus requires a client certificate

    const auto bad_files = query_with([&](PrometheusSourceOptions& options) {
        options.ca_file = certs.file("missing.crt");
    });
    ASSERT_FALSE(bad_files);
    EXPECT_EQ(bad_files.error(), "cannot build the source: cannot read CA " + certs.file("missing.crt"));
}

TEST_F(PrometheusIntegration, ExternalRulesServeARealRuleEndToEnd)
{
    const std::string origin = "rules.yaml";
    config_parse::Problems problems(origin);
    auto rules = parse_external_rules(YAML::Load(R"(
- source: prom
  seriesQuery: '{__name__=~"^queue_.*",queue!=""}'
  name: {matches: "^queue_(.*)$", as: "queue_${1}_messages"}
  resources: {overrides: {namespace: {resource: namespace}}}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)
)"),
                                      "externalRules", problems);
    ASSERT_TRUE(problems.empty()) << problems.take().front();
    test::FakeClock clock(at(end_));
    const std::shared_ptr<PrometheusSource> prometheus(source());
    HistoryStore store;
    ForecastRegistry registry(store);
    const auto poller = std::make_shared<Poller>("prom", prometheus, std::chrono::seconds(30), 1);
    registry.add_poller(poller);
    ExternalRulesProvider provider(std::move(rules), {{"prom", prometheus}},
                                   ExternalRulesOptions{}, registry, clock);
    const auto round = [&] {
        provider.run_once(clock.now());
        (void)poller->run_once(clock.now());
    };
    const auto get = [&](std::string_view ns, std::string_view selector) {
        return provider.get_external_metric(ns, *apiserver::parse_label_selector(selector),
                                            {"queue_depth_messages"});
    };

    round();
    ASSERT_EQ(provider.list_external_metrics().size(), 1U);
    EXPECT_EQ(provider.list_external_metrics()[0].metric, "queue_depth_messages");
    EXPECT_EQ(get("shop", "queue in (orders,emails)").error().code, 503); // subscribed
    EXPECT_EQ(get("elsewhere", "").error().code, 503);

    round(); // the source's poller polls both subscriptions
    const auto served = get("shop", "queue in (orders,emails)");
    ASSERT_TRUE(served) << served.error().message;
    ASSERT_EQ(served->size(), 1U); // the namespace matcher keeps mail's emails queue out
    EXPECT_EQ((*served)[0].metric_labels, (std::map<std::string, std::string>{{"queue", "orders"}}));
    EXPECT_EQ((*served)[0].value, history_[1].points.back().second);
    EXPECT_EQ((*served)[0].timestamp, at(end_));
    EXPECT_EQ(get("elsewhere", "").error().code, 404); // polled, nothing there
}

} // namespace
} // namespace ihpa::adapter
