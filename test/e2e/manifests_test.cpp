// End to end against the real kube-apiserver: `kubectl apply -k manifests/` passes a server-side
// dry run and applies; the service account's RBAC allows what the controller does and refuses
// what it must not; and `ihpa serve` with that service account's token (not the admin's) does
// its whole job: the HPA created, the IHPA status written, an event recorded, the Lease held in
// ihpa-system; and that ihpa authenticates and authorizes every caller through the cluster
// (TokenReview, SubjectAccessReview, the extension-apiserver-authentication ConfigMap). Skipped
// with its message where there is no control plane.
#include "test/support/child_process.hpp"
#include "test/support/control_plane_test.hpp"
#include "test/support/https_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

    /// A token of service account `ns/name`, valid for an hour.
    std::string token(const std::string& name, const std::string& ns)
    {
        const auto made = plane().kubectl("create token " + name + " -n " + ns + " --duration=1h");
        EXPECT_EQ(made.status, 0) << made.output;
        return made.output.substr(0, made.output.find('\n'));
    }

    /// A kubeconfig for the API server with the token of service account `ns/name`.
    std::string service_account_kubeconfig(const std::string& name, const std::string& ns)
    {
        const auto server = plane().kubectl("config view --minify -o jsonpath='{.clusters[0].cluster.server}'");
        const auto ca = plane().run("kubectl config view --raw --minify -o "
                                    "jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d");
        EXPECT_EQ(ca.status, 0) << ca.output;
        const std::string ca_file = plane().file("cluster-ca.crt", ca.output);
        return plane().file(name + ".kubeconfig",
                            "apiVersion: v1\nkind: Config\ncurrent-context: sa\nclusters:\n- name: c\n  cluster:\n"
                            "    server: " + server.output + "\n    certificate-authority: " + ca_file +
                                "\nusers:\n- name: sa\n  user:\n    token: " + token(name, ns) +
                                "\ncontexts:\n- name: sa\n  context: {cluster: c, user: sa}\n");
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
    const std::string kubeconfig = service_account_kubeconfig("ihpa", "ihpa-system");
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
    // A refused call is logged as the kube client describes it, "403 Forbidden: <message>" (a bare
    // "403" would also match a port number in any log line).
    EXPECT_EQ(serve.output().find("403 Forbidden"), std::string::npos) << "a call was forbidden:\n" << serve.output();
}

TEST_F(ManifestsTest, EveryCallerIsAuthenticatedAndAuthorizedThroughTheCluster)
{
    require_local("the authentication test (the front-proxy client certificate, the APIService script)");
    TempDir certs;
    const auto made = plane().run(std::string(IHPA_SOURCE_DIR) + "/certs/make-certs.sh " + certs.path() +
                                  " --service ihpa-local --namespace default");
    ASSERT_EQ(made.status, 0) << made.output;
    // No --requestheader-* flags: the front-proxy CA, allowed names and header names come from
    // the cluster's ConfigMap, read with the service account's own rights.
    auto serve = start_serve({"--kubeconfig", service_account_kubeconfig("ihpa", "ihpa-system"), "--controller=false",
                              "--tls-cert-file", certs.path() + "/serving.crt", "--tls-private-key-file",
                              certs.path() + "/serving.key", "--v", "2"});
    ASSERT_NE(serve.port, 0) << serve.process->output();
    EXPECT_NE(serve.process->output().find("authentication from ConfigMap kube-system/extension-apiserver-authentication"),
              std::string::npos)
        << serve.process->output();

    const auto registered = plane().register_apiservice(serve.port, certs.path() + "/serving-ca.crt");
    ASSERT_EQ(registered.status, 0) << registered.output << "\n--- ihpa:\n" << serve.process->output();
    const auto resources = plane().kubectl("api-resources --api-group=external.metrics.k8s.io");
    ASSERT_EQ(resources.status, 0) << resources.output;
    EXPECT_NE(resources.output.find("externalmetrics"), std::string::npos) << resources.output;

    const std::string path = "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests";
    const auto admin = plane().kubectl("get --raw " + path);
    ASSERT_EQ(admin.status, 0) << admin.output;
    EXPECT_EQ(nlohmann::json::parse(admin.output)["items"][0]["metricName"], "demo_requests");

    // alice and the service account default/reader may read demo_requests in default; mallory
    // and default/nobody may not.
    const std::string rbac = std::string(IHPA_SOURCE_DIR) + "/test/fixtures/auth/demo-reader.yaml";
    const auto applied = plane().kubectl("apply -f " + rbac);
    ASSERT_EQ(applied.status, 0) << applied.output;

    // Through the aggregator: the API server authorizes first, then ihpa asks again (an
    // uncached SubjectAccessReview, answered off the I/O threads) and serves alice.
    const auto alice = plane().kubectl("get --raw " + path + " --as alice");
    EXPECT_EQ(alice.status, 0) << alice.output << "\n--- ihpa:\n" << serve.process->output();
    EXPECT_TRUE(serve.process->wait_for_output(" 200 user=alice ")) << serve.process->output();
    const auto mallory = plane().kubectl("get --raw " + path + " --as mallory");
    EXPECT_NE(mallory.status, 0);
    EXPECT_NE(mallory.output.find("forbidden"), std::string::npos) << mallory.output;

    // Directly, as the front proxy would send it: ihpa's own review refuses mallory.
    TlsClientOptions proxy;
    proxy.ca_file = certs.path() + "/serving-ca.crt";
    proxy.cert_file = plane().state_dir() + "/pki/front-proxy-client.crt";
    proxy.key_file = plane().state_dir() + "/pki/front-proxy-client.key";
    const auto spoofed = https_get(serve.port, path, {"X-Remote-User: mallory"}, proxy);
    ASSERT_TRUE(spoofed);
    EXPECT_EQ(spoofed->status, 403) << spoofed->body;
    const std::string refusal = nlohmann::json::parse(spoofed->body)["message"];
    EXPECT_NE(refusal.find("User \"mallory\" cannot list resource \"demo_requests\""), std::string::npos) << refusal;

    // Directly with service account tokens: TokenReview, then SubjectAccessReview.
    TlsClientOptions direct;
    direct.ca_file = certs.path() + "/serving-ca.crt";
    const auto reader = https_get(serve.port, path, {"Authorization: Bearer " + token("reader", "default")}, direct);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->status, 200) << reader->body;
    const auto nobody = https_get(serve.port, path, {"Authorization: Bearer " + token("nobody", "default")}, direct);
    ASSERT_TRUE(nobody);
    EXPECT_EQ(nobody->status, 403) << nobody->body;
    EXPECT_NE(nobody->body.find("system:serviceaccount:default:nobody"), std::string::npos) << nobody->body;
    const auto forged = https_get(serve.port, path, {"Authorization: Bearer not-a-token"}, direct);
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->status, 401) << forged->body;
    const auto anonymous = https_get(serve.port, path, {}, direct);
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401) << anonymous->body;
    const auto health = https_get(serve.port, "/livez", {}, direct);
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);

    // The reviews were made by the cluster (cache misses counted), as the front proxy's
    // system:masters caller may read /metrics without one.
    const auto metrics =
        https_get(serve.port, "/metrics", {"X-Remote-User: admin", "X-Remote-Group: system:masters"}, proxy);
    ASSERT_TRUE(metrics);
    ASSERT_EQ(metrics->status, 200) << metrics->body;
    for (const char* family : {"ihpa_authorization_reviews_total ", "ihpa_authentication_token_reviews_total ",
                               "ihpa_authentication_config_updates_total 1"}) {
        EXPECT_NE(metrics->body.find(family), std::string::npos) << family;
    }
    EXPECT_EQ(metrics->body.find("ihpa_authorization_reviews_total 0\n"), std::string::npos) << metrics->body;
}

} // namespace
} // namespace ihpa::test
