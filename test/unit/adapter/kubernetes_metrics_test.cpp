#include "adapter/source/kubernetes_metrics/kubernetes_metrics_source.hpp"
#include "adapter/source/kubernetes_metrics/pod_metrics.hpp"
#include "adapter/source/kubernetes_metrics/resource_usage_query.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter::kubernetes_metrics {
namespace {

using namespace std::chrono_literals;

ResourceUsageQuery must_parse(std::string_view text)
{
    auto query = parse_resource_usage_query(text);
    EXPECT_TRUE(query) << text << ": " << (query ? "" : query.error());
    return query.value_or(ResourceUsageQuery{});
}

TEST(ResourceUsageQueryTest, ParsesResourceNamespaceSelectorAndContainer)
{
    const auto cpu = must_parse("cpu in shop where app=web,tier!=cache");
    EXPECT_EQ(cpu.resource, Resource::Cpu);
    EXPECT_EQ(cpu.namespace_name, "shop");
    EXPECT_EQ(cpu.selector, "app=web,tier!=cache");
    EXPECT_FALSE(cpu.container);

    const auto memory = must_parse("  memory\tin default  ");
    EXPECT_EQ(memory.resource, Resource::Memory);
    EXPECT_EQ(memory.selector, "");

    const auto set_based = must_parse("cpu in shop where app in (web, api) container nginx");
    EXPECT_EQ(set_based.selector, "app in (web, api)");
    EXPECT_EQ(set_based.container, "nginx");

    const auto container_only = must_parse("memory in shop container sidecar");
    EXPECT_EQ(container_only.selector, "");
    EXPECT_EQ(container_only.container, "sidecar");

    // A label named "container" is a selector, not the clause.
    EXPECT_EQ(must_parse("cpu in shop where container=web").selector, "container=web");
}

TEST(ResourceUsageQueryTest, ListPathEncodesTheSelector)
{
    EXPECT_EQ(must_parse("cpu in shop").list_path(), "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods");
    EXPECT_EQ(must_parse("cpu in shop where app=web,tier in (a,b)").list_path(),
              "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29");
}

TEST(ResourceUsageQueryTest, RejectsBadQueriesWithTheReason)
{
    const struct {
        const char* text;
        const char* says;
    } cases[] = {
        {"", "unknown resource \"\""},
        {"gpu in shop", "unknown resource \"gpu\""},
        {"cpu shop", "expected \"in <namespace>\""},
        {"cpu in", "is not a namespace name"},
        {"cpu in Shop", "\"Shop\" is not a namespace name"},
        {"cpu in shop app=web", "expected \"where <selector>\" or \"container <name>\" after the namespace, got \"app=web\""},
        {"cpu in shop where", "\"where\" needs a label selector"},
        {"cpu in shop where app in (web", "invalid label selector \"app in (web\""},
        {"cpu in shop container Web", "\"Web\" is not a container name"},
    };
    for (const auto& c : cases) {
        const auto query = parse_resource_usage_query(c.text);
        ASSERT_FALSE(query) << c.text;
        EXPECT_NE(query.error().find(c.says), std::string::npos) << c.text << " -> " << query.error();
    }
}

constexpr std::string_view kTwoPods = R"({
  "kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {},
  "items": [
    {"metadata": {"name": "web-1", "namespace": "shop"}, "timestamp": "2026-12-02T13:00:00Z", "window": "15s",
     "containers": [{"name": "nginx", "usage": {"cpu": "250m", "memory": "64Mi"}},
                    {"name": "sidecar", "usage": {"cpu": "1500000n", "memory": "8Mi"}}]},
    {"metadata": {"name": "web-2", "namespace": "shop"}, "timestamp": "2026-12-02T13:00:00Z", "window": "15s",
     "containers": [{"name": "nginx", "usage": {"cpu": "1", "memory": "1Gi"}}]}
  ]})";

TEST(PodMetricsTest, SumsEveryContainerOfEveryPod)
{
    const auto cpu = sum_pod_usage(kTwoPods, must_parse("cpu in shop"));
    ASSERT_TRUE(cpu) << cpu.error();
    EXPECT_DOUBLE_EQ(cpu->total, 0.25 + 0.0015 + 1.0);
    EXPECT_EQ(cpu->pods, 2u);

    const auto memory = sum_pod_usage(kTwoPods, must_parse("memory in shop"));
    ASSERT_TRUE(memory) << memory.error();
    EXPECT_DOUBLE_EQ(memory->total, (64.0 + 8.0 + 1024.0) * 1024 * 1024);
}

TEST(PodMetricsTest, ContainerClauseSumsOnlyThatContainer)
{
    const auto sidecar = sum_pod_usage(kTwoPods, must_parse("cpu in shop container sidecar"));
    ASSERT_TRUE(sidecar) << sidecar.error();
    EXPECT_DOUBLE_EQ(sidecar->total, 0.0015);
    EXPECT_EQ(sidecar->pods, 1u);
}

TEST(PodMetricsTest, EmptyAndNullItemsAreNoPods)
{
    for (const char* body : {R"({"kind":"PodMetricsList","items":[]})", R"({"kind":"PodMetricsList","items":null})"}) {
        const auto sum = sum_pod_usage(body, must_parse("cpu in shop"));
        ASSERT_TRUE(sum) << body;
        EXPECT_EQ(sum->pods, 0u);
    }
}

TEST(PodMetricsTest, MalformedAnswersAreErrorsNamingThePod)
{
    const struct {
        const char* body;
        const char* says;
    } cases[] = {
        {"not json", "not a JSON object"},
        {R"({"kind":"Status","status":"Failure"})", "not a PodMetricsList (kind \"Status\")"},
        {R"({"kind":"PodMetricsList","items":{}})", "\"items\" is not a list"},
        {R"({"kind":"PodMetricsList","items":[{"metadata":{"name":"a","namespace":"shop"}}]})",
         "shop/a has no \"containers\" list"},
        {R"({"kind":"PodMetricsList","items":[{"metadata":{"name":"a"},"containers":[{"name":"c","usage":{"cpu":"1x"}}]}]})",
         "a container \"c\": cpu usage is not a quantity"},
        {R"({"kind":"PodMetricsList","items":[{"containers":[{"name":"c","usage":{"cpu":5}}]}]})",
         "item 0 container \"c\": cpu usage is not a quantity"},
    };
    for (const auto& c : cases) {
        const auto sum = sum_pod_usage(c.body, must_parse("cpu in shop"));
        ASSERT_FALSE(sum) << c.body;
        EXPECT_NE(sum.error().find(c.says), std::string::npos) << c.body << " -> " << sum.error();
    }
}

TEST(KubernetesMetricsSourceTest, QueriesThePathAndRecordsTheSumAtNow)
{
    std::vector<std::string> paths;
    KubernetesMetricsSource source([&](const std::string& path) -> std::expected<std::string, std::string> {
        paths.push_back(path);
        return std::string(kTwoPods);
    });
    const auto now = std::chrono::system_clock::time_point(1'800'000'000s);
    const auto samples = source.query("cpu in shop where app=web", now);
    ASSERT_TRUE(samples) << samples.error();
    ASSERT_EQ(samples->size(), 1u);
    EXPECT_DOUBLE_EQ((*samples)[0].sample.value, 1.2515);
    EXPECT_EQ((*samples)[0].sample.time, now);
    EXPECT_EQ((*samples)[0].labels.at("namespace"), "shop");
    EXPECT_EQ(paths, std::vector<std::string>{"/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb"});
    EXPECT_FALSE(source.keeps_history());
}

TEST(KubernetesMetricsSourceTest, NoPodsIsAnEmptyResultAndFailuresAreNamed)
{
    std::expected<std::string, std::string> answer = std::string(R"({"kind":"PodMetricsList","items":[]})");
    KubernetesMetricsSource source([&](const std::string&) { return answer; });
    const auto now = std::chrono::system_clock::time_point(1'800'000'000s);
    const auto empty = source.query("memory in shop", now);
    ASSERT_TRUE(empty) << empty.error();
    EXPECT_TRUE(empty->empty());

    answer = std::unexpected(std::string("HTTP 503: service unavailable"));
    const auto down = source.query("memory in shop", now);
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error(), "kubernetesMetrics: HTTP 503: service unavailable");

    const auto bad = source.query("disk in shop", now);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("kubernetesMetrics: unknown resource \"disk\""), std::string::npos);
}

} // namespace
} // namespace ihpa::adapter::kubernetes_metrics
