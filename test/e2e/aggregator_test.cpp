// End to end with a real control plane: kube-apiserver's aggregator and kube-controller-manager's
// HPA controller talk to the real `ihpa serve` over TLS. Uses the control-plane scripts and
// binaries in ../shared/k8s beside the repository, or the folder $IHPA_K8S_DIR; skipped with a
// message where they (or etcd, kubectl) are missing.
#include "test/support/child_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;

std::string k8s_dir()
{
    if (const char* env = std::getenv("IHPA_K8S_DIR")) {
        return env;
    }
    return std::string(IHPA_SOURCE_DIR) + "/../shared/k8s";
}

/// A port that was free a moment ago (the kernel's choice for an ephemeral bind).
int free_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

/// Runs a shell command line, returns its exit status and output.
std::pair<int, std::string> sh(const std::string& command, std::chrono::seconds timeout = 120s)
{
    ChildProcess process({"bash", "-c", command});
    const auto status = process.wait_exit(timeout);
    return {status.value_or(-1), process.output()};
}

class AggregatorTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        const std::string dir = k8s_dir();
        if (!std::filesystem::exists(dir + "/k8s-up.sh")) {
            GTEST_SKIP() << "no control plane scripts in " << dir
                         << " (set IHPA_K8S_DIR to a folder with k8s-up.sh)";
        }
        for (const char* program : {"etcd", "kubectl", "openssl", "xz"}) {
            if (!have_program(program)) {
                GTEST_SKIP() << program << " is not installed";
            }
        }
        env_ = "K8S_STATE=" + state_.path() + " K8S_API_PORT=" + std::to_string(free_port()) +
               " ETCD_CLIENT_PORT=" + std::to_string(free_port()) +
               " ETCD_PEER_PORT=" + std::to_string(free_port()) +
               " K8S_KCM_PORT=" + std::to_string(free_port()) + " KUBECONFIG=" + state_.path() +
               "/admin.kubeconfig ";
        const auto [status, output] = sh(env_ + dir + "/k8s-up.sh", 240s);
        up_ = status == 0;
        ASSERT_TRUE(up_) << output;
    }

    void TearDown() override
    {
        if (up_) {
            sh(env_ + k8s_dir() + "/k8s-down.sh --purge");
        }
    }

    std::pair<int, std::string> kubectl(const std::string& args, std::chrono::seconds timeout = 120s)
    {
        return sh(env_ + "kubectl " + args, timeout);
    }

    TempDir state_;
    TempDir certs_;
    std::string env_;
    bool up_ = false;
};

TEST_F(AggregatorTest, ApiServiceIsAvailableAndTheHpaControllerScalesOnTheMetric)
{
    // Serving certificate valid for the Service name the aggregator verifies against.
    const auto [certs_status, certs_output] = sh(std::string(IHPA_SOURCE_DIR) + "/certs/make-certs.sh " +
                                                 certs_.path() + " --service ihpa-local --namespace default");
    ASSERT_EQ(certs_status, 0) << certs_output;
    auto serve = start_serve({"--tls-cert-file", certs_.path() + "/serving.crt", "--tls-private-key-file",
                              certs_.path() + "/serving.key", "--requestheader-client-ca-file",
                              state_.path() + "/pki/front-proxy-ca.crt", "--requestheader-allowed-names",
                              "front-proxy-client", "--v", "2"});
    ASSERT_NE(serve.port, 0) << serve.process->output();

    const auto [reg_status, reg_output] =
        sh(env_ + k8s_dir() + "/k8s-register-apiservice.sh " + std::to_string(serve.port) + " " +
           certs_.path() + "/serving-ca.crt");
    ASSERT_EQ(reg_status, 0) << reg_output << "\n--- ihpa:\n" << serve.process->output();

    const auto [raw_status, raw] =
        kubectl("get --raw /apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests");
    ASSERT_EQ(raw_status, 0) << raw;
    const auto doc = nlohmann::json::parse(raw);
    ASSERT_EQ(doc["items"].size(), 1U);
    EXPECT_EQ(doc["items"][0]["metricName"], "demo_requests");

    const auto [missing_status, missing] =
        kubectl("get --raw /apis/external.metrics.k8s.io/v1beta1/namespaces/default/no_such_metric");
    EXPECT_NE(missing_status, 0);
    EXPECT_NE(missing.find("NotFound"), std::string::npos) << missing;

    const std::string manifests = state_.path() + "/hpa.yaml";
    std::ofstream(manifests) << R"(apiVersion: apps/v1
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
)";
    const auto [apply_status, apply] = kubectl("apply -f " + manifests);
    ASSERT_EQ(apply_status, 0) << apply;
    const auto [wait_status, wait] =
        kubectl("wait --for=condition=ScalingActive=True hpa/web --timeout=120s", 150s);
    const auto [hpa_status, hpa] = kubectl("get hpa web -o json");
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
