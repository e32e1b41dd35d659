// examples/prometheus-adapter-passthrough end to end on the real control plane of
// test/support/control_plane.hpp and a real Prometheus: `ihpa serve` with the example's
// config.yaml (prometheus-adapter externalRules, only the Prometheus URL replaced) registered as
// the APIService, the example's consumer.yaml (a plain autoscaling/v2 HPA) applied as it is.
// What the aggregator serves equals what Prometheus answers for the rule's query, and the real
// HPA controller scales on it. Skipped with a message where the control plane or Prometheus is
// missing.
#include "test/e2e/example_test.hpp"
#include "test/support/prometheus_fixture.hpp"

#include <gtest/gtest.h>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kNamespace = "orders";
/// The latest queue lengths in Prometheus: the orders queue, its retry queue (same metric,
/// another `queue` label: left out by the HPA's selector) and an emails queue (another metric
/// the same rule discovers).
constexpr double kOrders = 122.5;
constexpr double kOrdersRetry = 9;
constexpr double kEmails = 7;
/// The example HPA's target: messages per consumer.
constexpr double kPerConsumer = 30;

/// 30 minutes of `metric{namespace, queue}` at one-minute steps up to `now`, growing by one a
/// minute to `latest`.
PrometheusSeries queue(const std::string& metric, const std::string& name, double latest, std::int64_t now)
{
    PrometheusSeries series{metric, {{"namespace", kNamespace}, {"queue", name}}, {}};
    for (int minutes_ago = 30; minutes_ago >= 0; --minutes_ago) {
        series.points.emplace_back(now - minutes_ago * 60, latest - minutes_ago);
    }
    return series;
}

class PrometheusAdapterPassthroughExample : public ExampleTest {
protected:
    PrometheusAdapterPassthroughExample() : ExampleTest(kNamespace) {}

    /// What Prometheus itself answers for the PromQL `query` (one sample); nullopt when it does not.
    std::optional<double> prometheus_answer(const PrometheusServer& prometheus, const std::string& query)
    {
        const json answer = parsed(plane().run("curl -sf --get --data-urlencode 'query=" + query + "' " +
                                               prometheus.url() + "/api/v1/query"));
        if (!answer.is_object() || answer["data"]["result"].size() != 1) {
            ADD_FAILURE() << "Prometheus answered for " << query << ": " << answer.dump();
            return std::nullopt;
        }
        return std::stod(answer["data"]["result"][0]["value"][1].get<std::string>());
    }
};

TEST_F(PrometheusAdapterPassthroughExample, ServesWhatPrometheusAnswersAndTheHpaScalesOnIt)
{
    if (!PrometheusServer::available()) {
        GTEST_SKIP() << "prometheus/promtool are not installed (the example reads Prometheus)";
    }
    const std::int64_t now = unix_now(true);
    PrometheusServer prometheus({queue("orders_queue_length", "orders", kOrders, now),
                                 queue("orders_queue_length", "orders-retry", kOrdersRetry, now),
                                 queue("emails_queue_size", "emails", kEmails, now)});
    ASSERT_TRUE(prometheus.running()) << prometheus.error();
    start_ihpa(replaced(example_text("prometheus-adapter-passthrough/config.yaml"),
                        "http://prometheus.monitoring.svc:9090", prometheus.url()),
               {"--controller", "false"});
    if (HasFatalFailure()) {
        return;
    }

    // The first request of a (metric, namespace, selector) subscribes it and is answered 503;
    // the next poll (15 s) runs its query.
    const auto served = [&](const std::string& metric, const std::string& selector) {
        std::optional<double> value;
        const PollResult polled = poll_until(
            [&] {
                value = external_value(metric, selector);
                return CommandResult{value ? 0 : 1, ""};
            },
            [](const CommandResult& r) { return r.status == 0; }, 60s, 1000ms);
        EXPECT_TRUE(polled.met) << metric << " was not served" << serve_output();
        return value;
    };
    // The rule's metricsQuery for each request, as prometheus-adapter expands it: the HPA's
    // selector and the namespace as label matchers.
    const auto orders = prometheus_answer(
        prometheus, "max(orders_queue_length{queue=\"orders\",namespace=\"" + std::string(kNamespace) + "\"})");
    ASSERT_EQ(orders, kOrders);
    EXPECT_EQ(served("orders_queue_length", "queue%3Dorders"), orders);
    EXPECT_EQ(served("orders_queue_length", "queue%3Dorders-retry"), kOrdersRetry);
    const auto emails =
        prometheus_answer(prometheus, "max(emails_queue_size{namespace=\"" + std::string(kNamespace) + "\"})");
    ASSERT_EQ(emails, kEmails);
    EXPECT_EQ(served("emails_queue_size", ""), emails);
    const CommandResult unknown = plane().kubectl("get --raw /apis/external.metrics.k8s.io/v1beta1/namespaces/" +
                                                  std::string(kNamespace) + "/payments_queue_length");
    EXPECT_NE(unknown.output.find("NotFound"), std::string::npos) << unknown.output;

    // The plain HPA of the example reads it through the aggregator and scales the consumers.
    const CommandResult applied =
        kubectl("apply -f " + example("prometheus-adapter-passthrough/consumer.yaml"));
    ASSERT_EQ(applied.status, 0) << applied.output;
    const int wanted = replicas_for(kOrders, kPerConsumer);
    const json consumer =
        eventually("deployment orders-consumer", [&](const json& d) { return spec_replicas(d) == wanted; });
    EXPECT_EQ(spec_replicas(consumer), 5);
    const json hpa = parsed(kubectl("get hpa orders-consumer -o json"));
    EXPECT_EQ(current_metric_names(hpa), std::vector<std::string>{"orders_queue_length"}) << hpa.dump(2);
}

} // namespace
} // namespace ihpa::test
