// End to end against the real kube-apiserver: `kubectl apply -k manifests/` passes a server-side
// dry run and applies; the service account's RBAC allows what the controller does and refuses
// what it must not; and `ihpa serve` with that service account's token (not the admin's) does
// its whole job: the HPA created, the IHPA status written, an event recorded, the Lease held in
// ihpa-system. Skipped with its message where there is no control plane.
#include "test/support/child_process.hpp"
#include "test/support/control_plane_test.hpp"

#include <gtest/gtest.h>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;

const std::string kManifests = std::string(IHPA_SOURCE_DIR) + "/manifests";
const std::string kServiceAccount = "system:serviceaccount:ihpa-system:ihpa";

class ManifestsTest : public ControlPlaneTest {
protected:
    void SetUp() override
    {
        ControlPlaneTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        // A server-side dry run cannot create the namespace the other objects go into.
        const auto created = plane().kubectl("apply -f " + kManifests + "/base/namespace.yaml");
        ASSERT_EQ(created.status, 0) << created.output;
        const auto dry = plane().kubectl("apply -k " + kManifests + " --dry-run=server");
        ASSERT_EQ(dry.status, 0) << dry.output;
        const auto applied = plane().kubectl("apply -k " + kManifests);
        ASSERT_EQ(applied.status, 0) << applied.output;
        // Nothing serves the APIService here: it would only make discovery fail for kubectl.
        plane().kubectl("delete apiservice v1beta1.external.metrics.k8s.io --ignore-not-found");
        const auto established = plane().kubectl(
            "wait --for=condition=Established --timeout=30s crd/intelligenthorizontalpodautoscalers.ihpa.dev");
        ASSERT_EQ(established.status, 0) << established.output;
    }

    /// A SubjectAccessReview of `user` listing `resource` of `group` in namespace shop:
    /// "true" or "false".
    std::string review(const std::string& user, const std::string& group, const std::string& version,
                       const std::string& resource)
    {
        const std::string body = R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",)"
                                 R"("spec":{"user":")" + user + R"(","groups":["system:serviceaccounts","system:authenticated"],)"
                                 R"("resourceAttributes":{"namespace":"shop","verb":"list","group":")" + group +
                                 R"(","version":")" + version + R"(","resource":")" + resource + R"("}}})";
        const auto answer =
            plane().kubectl("create -f " + plane().file("review.json", body) + " -o jsonpath='{.status.allowed}'");
        return answer.output.empty() ? "false" : answer.output;
    }

    /// `kubectl auth can-i <what> --as <who>`: "yes" or "no".
    std::string can_i(const std::string& what, const std::string& who = kServiceAccount)
    {
        const auto result = plane().kubectl("auth can-i " + what + " --as " + who + " 2>/dev/null");
        return result.output.substr(0, result.output.find('\n'));
    }
};

TEST_F(ManifestsTest, TheServiceAccountMayDoWhatTheControllerDoesAndNothingMore)
{
    const std::pair<const char*, const char*> checks[] = {
        {"list intelligenthorizontalpodautoscalers.ihpa.dev -A", "yes"},
        {"watch intelligenthorizontalpodautoscalers.ihpa.dev -A", "yes"},
        {"update intelligenthorizontalpodautoscalers.ihpa.dev --subresource=status -n shop", "yes"},
        {"update intelligenthorizontalpodautoscalers.ihpa.dev -n shop", "no"},
        {"create horizontalpodautoscalers.autoscaling -n shop", "yes"},
        {"update horizontalpodautoscalers.autoscaling -n shop", "yes"},
        {"delete horizontalpodautoscalers.autoscaling -n shop", "no"},
        {"get deployments.apps --subresource=scale -n shop", "yes"},
        {"update deployments.apps --subresource=scale -n shop", "no"},
        {"update deployments.apps -n shop", "no"},
        {"list pods -n shop", "yes"},
        {"get secrets -n shop", "no"},
        {"create events.events.k8s.io -n shop", "yes"},
        {"update leases.coordination.k8s.io -n ihpa-system", "yes"},
        {"update leases.coordination.k8s.io -n kube-system", "no"},
        {"create subjectaccessreviews.authorization.k8s.io", "yes"},
        {"create tokenreviews.authentication.k8s.io", "yes"},
        {"get configmaps/extension-apiserver-authentication -n kube-system", "yes"},
        {"get configmaps/kube-root-ca.crt -n kube-system", "no"},
    };
    for (const auto& [what, expected] : checks) {
        EXPECT_EQ(can_i(what), expected) << what;
    }
    // Groups no server serves here (kubectl cannot map them), asked as raw reviews.
    EXPECT_EQ(review(kServiceAccount, "metrics.k8s.io", "v1beta1", "pods"), "true");
    EXPECT_EQ(review(kServiceAccount, "external.metrics.k8s.io", "v1beta1", "ihpa-forecast"), "false");
    // The HPA controller may read every external metric, in every namespace.
    EXPECT_EQ(review("system:serviceaccount:kube-system:horizontal-pod-autoscaler", "external.metrics.k8s.io",
                     "v1beta1", "ihpa-forecast"),
              "true");
}

TEST_F(ManifestsTest, IhpaServeRunsOnTheServiceAccountsOwnRights)
{
    const auto token = plane().kubectl("create token ihpa -n ihpa-system --duration=1h");
    ASSERT_EQ(token.status, 0) << token.output;
    const auto server = plane().kubectl("config view --minify -o jsonpath='{.clusters[0].cluster.server}'");
    const auto ca = plane().run("kubectl config view --raw --minify -o "
                                "jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d");
    ASSERT_EQ(ca.status, 0) << ca.output;
    const std::string ca_file = plane().file("cluster-ca.crt", ca.output);
    const std::string kubeconfig = plane().file(
        "ihpa-sa.kubeconfig",
        "apiVersion: v1\nkind: Config\ncurrent-context: sa\nclusters:\n- name: c\n  cluster:\n    server: " +
            server.output + "\n    certificate-authority: " + ca_file +
            "\nusers:\n- name: sa\n  user:\n    token: " + token.output.substr(0, token.output.find('\n')) +
            "\ncontexts:\n- name: sa\n  context: {cluster: c, user: sa}\n");

    ASSERT_EQ(plane().kubectl("create namespace shop").status, 0);
    ASSERT_EQ(plane().kubectl("-n shop create deployment web --image=registry.invalid/web --replicas=1").status, 0);
    const std::string ihpa = plane().file("ihpa.yaml", R"(apiVersion: ihpa.dev/v1beta1
kind: IntelligentHorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      maxReplicas: 5
      metrics:
      - type: External
        external:
          metric: {name: demo_requests}
          target: {type: AverageValue, averageValue: "100"}
  metrics:
  - key: demo_requests
    source: {replay: {}}
)");
    ASSERT_EQ(plane().kubectl("apply -f " + ihpa).status, 0);

    ChildProcess serve({ihpa_binary(), "serve", "--secure-port", "0", "--bind-address", "127.0.0.1",
                        "--kubeconfig", kubeconfig, "--leader-elect-namespace", "ihpa-system", "--identity",
                        "ihpa-sa-test"});
    const auto hpa = plane().kubectl_until(
        "-n shop get hpa ihpa-web -o jsonpath='{.spec.metrics[*].external.metric.name}'",
        [](const CommandResult& r) { return r.output.find("ihpa-forecast") != std::string::npos; }, 90s);
    ASSERT_TRUE(hpa.met) << hpa.last.output << "\n" << serve.output();
    const auto ready = plane().kubectl_until(
        "-n shop get ihpa web -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'",
        [](const CommandResult& r) { return r.output == "True"; }, 60s);
    EXPECT_TRUE(ready.met) << ready.last.output << "\n" << serve.output();
    const auto lease = plane().kubectl("-n ihpa-system get lease ihpa-controller -o jsonpath='{.spec.holderIdentity}'");
    EXPECT_EQ(lease.output, "ihpa-sa-test");
    const auto events = plane().kubectl("-n shop get events.events.k8s.io -o jsonpath='{.items[*].reason}'");
    EXPECT_NE(events.output.find("HpaCreated"), std::string::npos) << events.output;
    EXPECT_EQ(serve.output().find("403"), std::string::npos) << "a call was forbidden:\n" << serve.output();
}

} // namespace
} // namespace ihpa::test
