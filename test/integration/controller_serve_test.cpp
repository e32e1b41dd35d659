// `ihpa serve` with cluster credentials, against the in-process fake kube-apiserver over TLS:
// the real binary finds the IHPA, reads its scale target through discovery and the scale
// subresource, derives its cpu forecast from the resource metrics API (the implicit
// kubernetes-metrics source, polled from the fake's metrics.k8s.io answer), serves it as
// ihpa-forecast, creates the HPA, writes the status, holds the Lease while it runs and gives it
// up on SIGTERM. The real control plane is the e2e tests' part; this one covers the wiring of
// the binary and the resource metrics API, which that control plane does not serve.
#include "test/fakes/fake_kube_apiserver.hpp"
#include "test/integration/serve_fixture.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kIhpas = "/apis/ihpa.dev/v1beta1/intelligenthorizontalpodautoscalers";
const std::string kHpas = "/apis/autoscaling/v2/horizontalpodautoscalers";
const std::string kLeases = "/apis/coordination.k8s.io/v1/leases";
constexpr const char* kForecastPath = "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/ihpa-forecast"
                                      "?labelSelector=ihpa.dev%2Fname%3Dweb%2Cihpa.dev%2Fmetric%3Dcpu";

json pod(const std::string& name)
{
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
            {"spec", {{"containers", json::array({{{"name", "main"}, {"resources", {{"requests", {{"cpu", "500m"}}}}}}})}}},
            {"status", {{"phase", "Running"}}}};
}

json pod_metrics(const std::string& name, const std::string& cpu)
{
    return {{"metadata", {{"name", name}, {"namespace", "default"}}},
            {"timestamp", "2026-12-02T12:00:00Z"},
            {"window", "15s"},
            {"containers", json::array({{{"name", "main"}, {"usage", {{"cpu", cpu}, {"memory", "64Mi"}}}}})}};
}

FakeKubeApiServer::Options cluster_options()
{
    const auto& certs = Certificates::get();
    FakeKubeApiServer::Options options;
    options.status_plurals = {"intelligenthorizontalpodautoscalers"};
    options.scale_plurals = {"deployments"};
    options.documents["/apis/apps/v1"] = {
        {"kind", "APIResourceList"},
        {"groupVersion", "apps/v1"},
        {"resources", json::array({{{"name", "deployments"}, {"kind", "Deployment"}, {"namespaced", true}},
                                   {{"name", "deployments/scale"}, {"kind", "Scale"}, {"namespaced", true}}})}};
    options.documents["/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"] = {
        {"kind", "PodMetricsList"},
        {"apiVersion", "metrics.k8s.io/v1beta1"},
        {"items", json::array({pod_metrics("web-1", "300m"), pod_metrics("web-2", "500m")})}};
    // With cluster credentials every caller is reviewed by the cluster: the token "reader-token"
    // is the user reader, who may read everything; other tokens are refused.
    options.on_create["/apis/authentication.k8s.io/v1/tokenreviews"] = [](const json& review) {
        json answer = review;
        answer["status"] = review["spec"].value("token", "") == "reader-token"
                               ? json{{"authenticated", true}, {"user", {{"username", "reader"}, {"groups", {"readers"}}}}}
                               : json{{"authenticated", false}, {"error", "unknown token"}};
        return answer;
    };
    options.on_create["/apis/authorization.k8s.io/v1/subjectaccessreviews"] = [](const json& review) {
        json answer = review;
        answer["status"] = {{"allowed", review["spec"].value("user", "") == "reader"}};
        return answer;
    };
    options.tls = {certs.file("serving.crt"), certs.file("serving.key"), ""};
    return options;
}

/// The headers of a caller the fake cluster authenticates and authorizes.
const std::vector<std::string> kReader = {"Authorization: Bearer reader-token"};

/// Polls `probe` until it holds, for at most `deadline`: the server under test changes on its
/// own threads and clock; this only observes it.
bool eventually(const std::function<bool()>& probe, std::chrono::seconds deadline = 30s)
{
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (probe()) {
            return true;
        }
        std::this_thread::sleep_for(100ms); // polling interval of an observation, not a sync
    }
    return false;
}

class ControllerServeTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(Certificates::get().ok()) << "certs/make-certs.sh failed";
        server = std::make_unique<FakeKubeApiServer>(cluster_options());
        server->put("/apis/apps/v1/deployments",
                    {{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"metadata", {{"name", "web"}, {"namespace", "default"}}},
                     {"spec", {{"replicas", 2}, {"selector", {{"matchLabels", {{"app", "web"}}}}}}}});
        server->put("/api/v1/pods", pod("web-1"));
        server->put("/api/v1/pods", pod("web-2"));
        kubeconfig = dir.path() + "/kubeconfig";
        std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
                                  << "clusters:\n- name: fake\n  cluster:\n    server: https://localhost:"
                                  << server->port() << "\n    certificate-authority: "
                                  << Certificates::get().file("serving-ca.crt") << "\n"
                                  << "users:\n- name: me\n  user:\n    token: test-token\n"
                                  << "contexts:\n- name: fake\n  context: {cluster: fake, user: me}\n";
    }

    json ihpa() const
    {
        return {{"apiVersion", "ihpa.dev/v1beta1"},
                {"kind", "IntelligentHorizontalPodAutoscaler"},
                {"metadata", {{"name", "web"}, {"namespace", "default"}, {"uid", "uid-web"}, {"generation", 1}}},
                {"spec",
                 {{"template",
                   {{"spec",
                     {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
                      {"minReplicas", 1},
                      {"maxReplicas", 10},
                      {"metrics", json::array({{{"type", "Resource"},
                                                {"resource",
                                                 {{"name", "cpu"},
                                                  {"target", {{"type", "Utilization"},
                                                              {"averageUtilization", 60}}}}}}})}}}}}}}};
    }

    ServeInstance serve(std::vector<std::string> extra) const
    {
        auto args = anonymous_serve_flags();
        args.insert(args.end(), {"--kubeconfig", kubeconfig, "--resource-metrics-interval", "1s",
                                 "--resync-period", "2s", "--identity", "test-a"});
        args.insert(args.end(), extra.begin(), extra.end());
        return start_serve(args);
    }

    TempDir dir;
    std::unique_ptr<FakeKubeApiServer> server;
    std::string kubeconfig;
};

TEST_F(ControllerServeTest, ForecastsCpuFromTheResourceMetricsApiAndCreatesTheHpa)
{
    server->put(kIhpas, ihpa());
    auto instance = serve({"--leader-elect=false"});
    ASSERT_GT(instance.port, 0) << instance.process->output();

    // 300m + 500m: the workload total, served as the latest value while the history is short.
    std::string last;
    ASSERT_TRUE(eventually([&] {
        const auto response = https_get(instance.port, kForecastPath, kReader, Certificates::get().client());
        last = response ? response->body : "no answer";
        return response && response->status == 200 &&
               json::parse(response->body)["items"][0]["value"] == "800m";
    })) << last << "\n" << instance.process->output();

    // The HPA reads the forecast per pod against 60 % of the 500m request: 300m.
    json entry;
    ASSERT_TRUE(eventually([&] {
        const json hpa = server->object(kHpas, "default", "ihpa-web");
        if (!hpa.is_object()) {
            return false;
        }
        for (const json& metric : hpa.value("spec", json::object()).value("metrics", json::array())) {
            if (metric["type"] == "External" && metric["external"]["metric"]["name"] == "ihpa-forecast") {
                entry = metric;
            }
        }
        return !entry.is_null();
    })) << server->object(kHpas, "default", "ihpa-web").dump() << "\n" << instance.process->output();
    EXPECT_EQ(entry["external"]["target"]["averageValue"], "300m");
    EXPECT_EQ(entry["external"]["metric"]["selector"]["matchLabels"]["ihpa.dev/metric"], "cpu");

    ASSERT_TRUE(eventually([&] {
        const json ihpa = server->object(kIhpas, "default", "web");
        const json status = ihpa.is_object() ? ihpa.value("status", json::object()) : json::object();
        return !status.value("metrics", json::array()).empty() && status["metrics"][0].value("current", "") == "800m";
    })) << server->object(kIhpas, "default", "web").dump();
    // The forecast was registered before its source's first poll: that wait is Pending, not a
    // missing forecast, so no Warning event was recorded on the way to the HPA.
    for (const ServerRequest& request : server->requests()) {
        if (request.method == "POST" && request.path.find("/events") != std::string::npos) {
            EXPECT_EQ(json::parse(request.body, nullptr, false).value("type", ""), "Normal") << request.body;
        }
    }
    const auto metrics = https_get(instance.port, "/metrics", kReader, Certificates::get().client());
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("ihpa_controller_leader 1\n"), std::string::npos);
    EXPECT_NE(metrics->body.find("ihpa_controller_writes_total{kind=\"hpa_create\"} 1\n"), std::string::npos);

    // The IHPA is deleted: its forecast is served no more.
    ASSERT_TRUE(server->erase(kIhpas, "default", "web"));
    ASSERT_TRUE(eventually([&] {
        const auto response = https_get(instance.port, kForecastPath, kReader, Certificates::get().client());
        return response && response->status == 404;
    })) << instance.process->output();
    // Without credentials, or with a token the cluster refuses: 401; the reviews went to the
    // cluster (one TokenReview and one SubjectAccessReview at least; the rest were cached).
    const auto anonymous = https_get(instance.port, kForecastPath, {}, Certificates::get().client());
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401) << anonymous->body;
    const auto refused =
        https_get(instance.port, kForecastPath, {"Authorization: Bearer stolen"}, Certificates::get().client());
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << refused->body;
    EXPECT_NE(refused->body.find("unknown token"), std::string::npos) << refused->body;
    std::size_t token_reviews = 0;
    std::size_t access_reviews = 0;
    for (const ServerRequest& request : server->requests()) {
        token_reviews += request.method == "POST" && request.path.find("/tokenreviews") != std::string::npos;
        access_reviews += request.method == "POST" && request.path.find("/subjectaccessreviews") != std::string::npos;
    }
    EXPECT_GE(token_reviews, 2U);
    EXPECT_GE(access_reviews, 1U);
    instance.process->send_signal(SIGTERM);
    EXPECT_EQ(instance.process->wait_exit(20s), 0) << instance.process->output();
}

TEST_F(ControllerServeTest, HoldsTheLeaseWhileRunningAndGivesItUpOnSigterm)
{
    auto instance = serve({"--leader-elect-namespace", "kube-system"});
    ASSERT_GT(instance.port, 0) << instance.process->output();
    ASSERT_TRUE(eventually([&] {
        const json lease = server->object(kLeases, "kube-system", "ihpa-controller");
        return lease.is_object() && lease.value("spec", json::object()).value("holderIdentity", "") == "test-a";
    })) << instance.process->output();
    instance.process->send_signal(SIGTERM);
    EXPECT_EQ(instance.process->wait_exit(20s), 0) << instance.process->output();
    const json lease = server->object(kLeases, "kube-system", "ihpa-controller");
    ASSERT_TRUE(lease.is_object());
    EXPECT_EQ(lease["spec"].value("holderIdentity", "gone"), "") << lease.dump();
}

TEST_F(ControllerServeTest, InvalidCredentialsStopTheStartWithTheFileThatIsWrong)
{
    std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: missing\n";
    ChildProcess process({ihpa_binary(), "serve", "--secure-port", "0", "--kubeconfig", kubeconfig});
    EXPECT_EQ(process.wait_exit(20s), 1);
    EXPECT_NE(process.output().find(kubeconfig), std::string::npos) << process.output();
}

TEST_F(ControllerServeTest, AnInvalidControllerFlagIsNamed)
{
    ChildProcess process(
        {ihpa_binary(), "serve", "--secure-port", "0", "--kubeconfig", kubeconfig, "--resync-period", "soon"});
    EXPECT_EQ(process.wait_exit(20s), 1);
    EXPECT_NE(process.output().find("--resync-period"), std::string::npos) << process.output();
}

} // namespace
} // namespace ihpa::test
