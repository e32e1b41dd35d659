// End to end with a real control plane: kube-apiserver's aggregator and kube-controller-manager's
// HPA controller talk to the real `ihpa serve` over TLS. Uses the control plane of
// test/support/control_plane.hpp; skipped with its message where there is none.
#include "test/support/control_plane_test.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;

class AggregatorTest : public ControlPlaneTest {
protected:
    void SetUp() override
    {
        ControlPlaneTest::SetUp();
        if (!IsSkipped() && !HasFatalFailure()) {
            require_local("the aggregator test (the front-proxy CA, the APIService script)");
        }
    }

    TempDir certs_;
};

TEST_F(AggregatorTest, ApiServiceIsAvailableAndTheHpaControllerScalesOnTheMetric)
{
    // Serving certificate valid for the Service name the aggregator verifies against.
    const auto [certs_status, certs_output] =
        plane().run(std::string(IHPA_SOURCE_DIR) + "/certs/make-certs.sh " + certs_.path() +
                    " --service ihpa-local --namespace default");
    ASSERT_EQ(certs_status, 0) << certs_output;
    auto serve = start_serve({"--tls-cert-file", certs_.path() + "/serving.crt", "--tls-private-key-file",
                              certs_.path() + "/serving.key", "--requestheader-client-ca-file",
                              plane().front_proxy_ca(), "--requestheader-allowed-names",
                              "front-proxy-client", "--v", "2"});
    ASSERT_NE(serve.port, 0) << serve.process->output();

    const auto [reg_status, reg_output] =
        plane().register_apiservice(serve.port, certs_.path() + "/serving-ca.crt");
    ASSERT_EQ(reg_status, 0) << reg_output << "\n--- ihpa:\n" << serve.process->output();

    const auto [raw_status, raw] = plane().kubectl(
        "get --raw /apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests");
    ASSERT_EQ(raw_status, 0) << raw;
    const auto doc = nlohmann::json::parse(raw);
    ASSERT_EQ(doc["items"].size(), 1U);
    EXPECT_EQ(doc["items"][0]["metricName"], "demo_requests");

    const auto [missing_status, missing] = plane().kubectl(
        "get --raw /apis/external.metrics.k8s.io/v1beta1/namespaces/default/no_such_metric");
    EXPECT_NE(missing_status, 0);
    EXPECT_NE(missing.find("NotFound"), std::string::npos) << missing;

    // The debug view goes through the aggregator too, and the API server authorizes it as a `get`
    // of the object "debug" of the metric's resource: alice may get the forecast's resource,
    // bob may only list it (what a metric read needs).
    const std::string rbac = plane().file("debug-rbac.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: forecast-getter, namespace: default}
rules: [{apiGroups: [external.metrics.k8s.io], resources: [demo_requests_forecast], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-gets, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: forecast-getter}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: forecast-lister, namespace: default}
rules: [{apiGroups: [external.metrics.k8s.io], resources: [demo_requests_forecast], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-lists, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: forecast-lister}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]
)");
    const auto [rbac_status, rbac_output] = plane().kubectl("apply -f " + rbac);
    ASSERT_EQ(rbac_status, 0) << rbac_output;
    const std::string debug = "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests_forecast/debug";
    const auto [debug_status, debug_json] = plane().kubectl("get --raw '" + debug + "?history=1h&horizon=30m'");
    ASSERT_EQ(debug_status, 0) << debug_json << "\n--- ihpa:\n" << serve.process->output();
    const auto view = nlohmann::json::parse(debug_json);
    EXPECT_EQ(view["kind"], "ExternalMetricDebugView");
    ASSERT_EQ(view["items"].size(), 1U);
    EXPECT_EQ(view["items"][0]["history"]["values"].size(), 360U); // 1 h at 10 s
    const auto [svg_status, svg] = plane().kubectl("get --raw '" + debug + "?format=svg'");
    ASSERT_EQ(svg_status, 0) << svg;
    EXPECT_TRUE(svg.starts_with("<svg xmlns=")) << svg.substr(0, 200);
    const auto [alice_status, alice] = plane().kubectl("--as alice get --raw " + debug);
    EXPECT_EQ(alice_status, 0) << alice;
    const auto [bob_status, bob] = plane().kubectl("--as bob get --raw " + debug);
    EXPECT_NE(bob_status, 0);
    EXPECT_NE(bob.find("cannot get resource \"demo_requests_forecast\""), std::string::npos) << bob;
    const auto [bob_read_status, bob_read] = plane().kubectl(
        "--as bob get --raw /apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests_forecast");
    EXPECT_EQ(bob_read_status, 0) << bob_read; // a metric read is a list

    const std::string manifests = plane().file("hpa.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.invalid/web:1}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 50
  metrics:
  - type: External
    external:
      metric: {name: demo_requests, selector: {matchLabels: {app: demo}}}
      target: {type: AverageValue, averageValue: "100"}
  - type: External
    external:
      metric: {name: demo_requests_forecast, selector: {matchLabels: {app: demo}}}
      target: {type: AverageValue, averageValue: "100"}
)");
    const auto [apply_status, apply] = plane().kubectl("apply -f " + manifests);
    ASSERT_EQ(apply_status, 0) << apply;
    const auto [wait_status, wait] =
        plane().kubectl("wait --for=condition=ScalingActive=True hpa/web --timeout=120s", 150s);
    const auto [hpa_status, hpa] = plane().kubectl("get hpa web -o json");
    ASSERT_EQ(wait_status, 0) << wait << "\n" << hpa << "\n--- ihpa:\n" << serve.process->output();
    // The controller read the metric through the aggregator, with its own identity.
    EXPECT_NE(serve.process->output().find("user=system:serviceaccount:kube-system:horizontal-pod-autoscaler"),
              std::string::npos);
    const auto status = nlohmann::json::parse(hpa)["status"];
    ASSERT_TRUE(status.contains("currentMetrics")) << status;
    ASSERT_EQ(status["currentMetrics"].size(), 2U) << status;
    EXPECT_EQ(status["currentMetrics"][0]["external"]["metric"]["name"], "demo_requests");
    // the forecast entry next to it: the controller takes the larger of the two proposals
    EXPECT_EQ(status["currentMetrics"][1]["external"]["metric"]["name"], "demo_requests_forecast");
}

} // namespace
} // namespace ihpa::test
