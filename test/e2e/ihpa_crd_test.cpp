// End to end against a real kube-apiserver (1.26): the IHPA CRD is established, validates what
// a user writes (schema and CEL rules) and lists with its printer columns; the HPA the
// reconciler builds from an IHPA read back from the apiserver is a valid autoscaling/v2 object,
// shows no drift once the apiserver stored (and defaulted) it, is repaired after an edit, and
// is garbage collected with its IHPA. Uses the control plane in ../shared/k8s (or
// $IHPA_K8S_DIR), started once for the whole binary; skipped with a message where it, etcd or
// kubectl is missing.
#include "common/quantity.hpp"
#include "controller/reconciler.hpp"
#include "test/support/child_process.hpp"
#include "test/unit/controller/ihpa_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace ctl = ihpa::controller;

/// A loopback port the kernel just handed out (free a moment ago).
int unused_port()
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool ok = ::bind(socket, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                    ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &size) == 0;
    ::close(socket);
    return ok ? ntohs(address.sin_port) : 0;
}

/// One control plane for every test of the binary: started by the first test, stopped at exit.
class ControlPlane {
public:
    ControlPlane()
    {
        const char* env = std::getenv("IHPA_K8S_DIR");
        dir_ = env != nullptr ? env : std::string(IHPA_SOURCE_DIR) + "/../shared/k8s";
        if (!std::filesystem::exists(dir_ + "/k8s-up.sh")) {
            skip_ = "no control plane scripts in " + dir_ +
                    " (set IHPA_K8S_DIR to a folder with k8s-up.sh)";
            return;
        }
        for (const char* program : {"etcd", "kubectl", "openssl", "xz"}) {
            if (!have_program(program)) {
                skip_ = std::string(program) + " is not installed";
                return;
            }
        }
        env_ = "export K8S_STATE=" + state_.path() + " K8S_API_PORT=" + std::to_string(unused_port()) +
               " ETCD_CLIENT_PORT=" + std::to_string(unused_port()) +
               " ETCD_PEER_PORT=" + std::to_string(unused_port()) +
               " K8S_KCM_PORT=" + std::to_string(unused_port()) + " KUBECONFIG=" +
               state_.path() + "/admin.kubeconfig; ";
        const auto [status, output] = run(dir_ + "/k8s-up.sh", 240s);
        up_ = status == 0;
        if (!up_) {
            error_ = "k8s-up.sh failed:\n" + output;
        }
    }
    ~ControlPlane()
    {
        if (up_) {
            run(dir_ + "/k8s-down.sh --purge", 120s);
        }
    }
    ControlPlane(const ControlPlane&) = delete;
    ControlPlane& operator=(const ControlPlane&) = delete;

    /// Runs a command line with KUBECONFIG and the ports exported: exit status and merged
    /// output.
    std::pair<int, std::string> run(const std::string& command, std::chrono::seconds timeout = 60s)
    {
        ChildProcess process({"bash", "-c", env_ + command});
        const auto status = process.wait_exit(timeout);
        return {status.value_or(-1), process.output()};
    }
    /// `kubectl <args>`.
    std::pair<int, std::string> kubectl(const std::string& args) { return run("kubectl " + args); }
    /// Writes `text` to a file in the state folder and returns its path.
    std::string file(const std::string& name, const std::string& text)
    {
        const std::string path = state_.path() + "/" + name;
        std::ofstream(path) << text;
        return path;
    }

    const std::string& skip() const { return skip_; }
    const std::string& error() const { return error_; }

private:
    TempDir state_;
    std::string dir_;
    std::string env_;
    std::string skip_;
    std::string error_;
    bool up_ = false;
};

/// The valid IHPA every test starts from: Deployment web on cpu 60 % and an External metric.
json valid_ihpa(const std::string& name)
{
    json object = ctl::test::ihpa_object(
        json::array({ctl::test::cpu_utilization(60),
                     ctl::test::external_metric("http_requests", "AverageValue", "100")}),
        {{"forecast", {{"leadTime", "3m"}, {"seasonality", "1d"}}},
         {"metrics", {{{"key", "http_requests"}, {"forecast", {{"band", "yhat"}}}}}}});
    object["metadata"] = {{"name", name}, {"namespace", "default"}};
    object["spec"]["template"]["spec"]["behavior"] = {
        {"scaleDown", {{"stabilizationWindowSeconds", 60}}}};
    return object;
}

/// The control plane with the CRD established. A single test drives every check, so that the
/// control plane (15-25 s to start) starts once even when CTest runs each test in a process of
/// its own.
class IhpaCrdTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        plane_ = std::make_unique<ControlPlane>();
        if (!plane_->skip().empty()) {
            GTEST_SKIP() << plane_->skip();
        }
        ASSERT_TRUE(plane_->error().empty()) << plane_->error();
        const auto [status, output] = plane_->kubectl(
            "apply -f " + std::string(IHPA_SOURCE_DIR) +
            "/manifests/crd/ihpa.dev_intelligenthorizontalpodautoscalers.yaml && kubectl wait "
            "--for=condition=Established --timeout=30s "
            "crd/intelligenthorizontalpodautoscalers.ihpa.dev");
        ASSERT_EQ(status, 0) << "the CRD was not established:\n" << output;
    }

    void accepts_a_valid_ihpa_and_lists_it_with_its_columns();
    void rejects_invalid_specs_with_the_apiservers_message();
    void reconciled_hpa_is_valid_stays_in_sync_is_repaired_and_is_collected();

    std::unique_ptr<ControlPlane> plane_;
};

void IhpaCrdTest::accepts_a_valid_ihpa_and_lists_it_with_its_columns()
{
    const std::string path = plane_->file("valid.json", valid_ihpa("shop").dump());
    const auto [dry_status, dry] = plane_->kubectl("apply --dry-run=server -f " + path);
    ASSERT_EQ(dry_status, 0) << dry;
    const auto [status, applied] = plane_->kubectl("apply -f " + path);
    ASSERT_EQ(status, 0) << applied;

    const auto [get_status, table] = plane_->kubectl("get ihpa shop");
    ASSERT_EQ(get_status, 0) << table;
    const std::string header = table.substr(0, table.find('\n'));
    std::size_t at = 0;
    for (const char* column :
         {"NAME", "TARGET", "MIN", "MAX", "REPLICAS", "FORECAST", "MODE", "READY", "AGE"}) {
        at = header.find(column, at);
        ASSERT_NE(at, std::string::npos) << column << " in order, in: " << header;
    }
    EXPECT_NE(table.find("shop   web      2     10"), std::string::npos) << table;
    EXPECT_NE(table.find("Auto"), std::string::npos) << "mode defaulted: " << table;
    const auto [wide_status, wide] = plane_->kubectl("get ihpa shop -o wide");
    EXPECT_NE(wide.find("Deployment"), std::string::npos) << wide;
}

void IhpaCrdTest::rejects_invalid_specs_with_the_apiservers_message()
{
    struct Case {
        const char* name;
        std::function<void(json&)> edit;
        std::string message;
    };
    const Case cases[] = {
        {"bad duration", [](json& o) { o["spec"]["forecast"]["leadTime"] = "3 minutes"; },
         "spec.forecast.leadTime in body should match"},
        {"duration out of bounds", [](json& o) { o["spec"]["forecast"]["leadTime"] = "2d"; },
         "spec.forecast.leadTime: Invalid value: \"string\": must be at most 1d"},
        {"bad enum", [](json& o) { o["spec"]["metrics"][0]["forecast"]["band"] = "top"; },
         "spec.metrics[0].forecast.band: Unsupported value: \"top\""},
        {"bad mode", [](json& o) { o["spec"]["mode"] = "Manual"; },
         "spec.mode: Unsupported value: \"Manual\""},
        {"minReplicas above maxReplicas",
         [](json& o) { o["spec"]["template"]["spec"]["minReplicas"] = 11; },
         "minReplicas must not exceed maxReplicas"},
        {"missing scaleTargetRef",
         [](json& o) { o["spec"]["template"]["spec"].erase("scaleTargetRef"); },
         "spec.template.spec.scaleTargetRef: Required value"},
        {"Utilization on an External metric",
         [](json& o) {
             o["spec"]["template"]["spec"]["metrics"][1]["external"]["target"] = {
                 {"type", "Utilization"}, {"averageUtilization", 50}};
         },
         "External metrics take a Value or AverageValue target"},
        {"uppercase key", [](json& o) { o["spec"]["metrics"][0]["key"] = "HTTP"; },
         "spec.metrics[0].key in body should match"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        json object = valid_ihpa("invalid");
        c.edit(object);
        const auto [status, output] = plane_->kubectl(
            "apply --dry-run=server -f " + plane_->file("invalid.json", object.dump()));
        EXPECT_NE(status, 0) << output;
        EXPECT_NE(output.find(c.message), std::string::npos) << output;
    }
}

/// `kubectl get <what> -o json`, parsed.
json get_json(ControlPlane& plane, const std::string& what)
{
    const auto [status, output] = plane.kubectl("get " + what + " -o json");
    EXPECT_EQ(status, 0) << output;
    return status == 0 ? json::parse(output) : json();
}

/// The pods of a `kubectl get pods -o json` list as the reconciler reads them.
std::vector<ctl::ObservedPod> observed_pods(const json& list)
{
    std::vector<ctl::ObservedPod> pods;
    for (const json& pod : list["items"]) {
        ctl::ObservedPod each{pod["metadata"]["name"], !pod["metadata"].contains("deletionTimestamp"), {}};
        for (const json& container : pod["spec"]["containers"]) {
            ctl::ObservedContainer observed{container["name"], {}};
            const json requests = container.value("resources", json::object())
                                      .value("requests", json::object());
            for (const auto& [resource, quantity] : requests.items()) {
                observed.requests[resource] = *common::parse_quantity(quantity.get<std::string>());
            }
            each.containers.push_back(std::move(observed));
        }
        pods.push_back(std::move(each));
    }
    return pods;
}

void IhpaCrdTest::reconciled_hpa_is_valid_stays_in_sync_is_repaired_and_is_collected()
{
    // two containers per pod: the Utilization base is the sum of both requests
    const auto container = [](const char* name, const char* cpu) {
        return json{{"name", name},
                    {"image", std::string("registry.invalid/") + name + ":1"},
                    {"resources", {{"requests", {{"cpu", cpu}}}}}};
    };
    const json deployment = {
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", {{"name", "web"}, {"namespace", "default"}}},
        {"spec",
         {{"replicas", 2},
          {"selector", {{"matchLabels", {{"app", "web"}}}}},
          {"template",
           {{"metadata", {{"labels", {{"app", "web"}}}}},
            {"spec", {{"containers", {container("web", "400m"), container("proxy", "100m")}}}}}}}}};
    const auto [deploy_status, deploy] =
        plane_->kubectl("apply -f " + plane_->file("web.json", deployment.dump()) +
                        " && kubectl wait deployment/web --for=jsonpath='{.status.replicas}'=2 "
                        "--timeout=30s");
    ASSERT_EQ(deploy_status, 0) << deploy;
    const auto [apply_status, applied] =
        plane_->kubectl("apply -f " + plane_->file("web-ihpa.json", valid_ihpa("web").dump()));
    ASSERT_EQ(apply_status, 0) << applied;

    ctl::ReconcileInput input = ctl::test::input_for(get_json(*plane_, "ihpa web"));
    input.pods = observed_pods(get_json(*plane_, "pods -l app=web"));
    ASSERT_EQ(input.pods->size(), 2U);
    input.forecasts["cpu"] = ctl::test::fitted_forecast();
    input.forecasts["http_requests"] = ctl::test::fitted_forecast();
    const ctl::ReconcileResult created = ctl::reconcile(input);
    ASSERT_EQ(created.action, ctl::HpaAction::Create);
    // 60 % of (400m + 100m) per pod
    EXPECT_EQ(created.hpa["spec"]["metrics"][2]["external"]["target"]["averageValue"], "300m");

    const std::string hpa_file = plane_->file("hpa.json", created.hpa.dump());
    const auto [dry_status, dry] = plane_->kubectl("apply --dry-run=server -f " + hpa_file);
    ASSERT_EQ(dry_status, 0) << dry << "\n" << created.hpa.dump(2);
    const auto [create_status, create] = plane_->kubectl("create -f " + hpa_file);
    ASSERT_EQ(create_status, 0) << create;

    input.hpa = get_json(*plane_, "hpa ihpa-web");
    EXPECT_EQ(ctl::reconcile(input).action, ctl::HpaAction::None)
        << "the stored, defaulted HPA is what the IHPA asks:\n" << input.hpa->dump(2);

    // the status the reconciler writes passes the status schema and fills the columns
    const auto [status_status, status_out] = plane_->kubectl(
        "patch ihpa web --subresource=status --type=merge --patch-file " +
        plane_->file("status.json", json{{"status", *ctl::reconcile(input).status}}.dump()));
    ASSERT_EQ(status_status, 0) << status_out;
    const auto [table_status, table] = plane_->kubectl("get ihpa web");
    EXPECT_NE(table.find("InUse"), std::string::npos) << table;
    EXPECT_NE(table.find("True"), std::string::npos) << table;
    const auto [describe_status, described] = plane_->kubectl("describe ihpa web");
    EXPECT_NE(described.find("the HPA reads a forecast of every metric"), std::string::npos)
        << described;

    // someone edits the HPA: the update restores it and the apiserver takes it
    const auto [edit_status, edit] = plane_->kubectl(
        "patch hpa ihpa-web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/maxReplicas\","
        "\"value\":99},{\"op\":\"remove\",\"path\":\"/spec/metrics/2\"}]'");
    ASSERT_EQ(edit_status, 0) << edit;
    input.hpa = get_json(*plane_, "hpa ihpa-web");
    const ctl::ReconcileResult repaired = ctl::reconcile(input);
    ASSERT_EQ(repaired.action, ctl::HpaAction::Update);
    const auto [replace_status, replace] =
        plane_->kubectl("replace -f " + plane_->file("hpa-update.json", repaired.hpa.dump()));
    ASSERT_EQ(replace_status, 0) << replace;
    input.hpa = get_json(*plane_, "hpa ihpa-web");
    EXPECT_EQ((*input.hpa)["spec"]["maxReplicas"], 10);
    EXPECT_EQ((*input.hpa)["spec"]["metrics"].size(), 4U) << "two metrics, two forecasts";
    EXPECT_EQ(ctl::reconcile(input).action, ctl::HpaAction::None);

    // the ownerReference lets the garbage collector remove the HPA with its IHPA (it may first
    // have to discover the new resource type: its discovery resync runs every 30 s)
    const auto [delete_status, deleted] = plane_->run(
        "kubectl delete ihpa web && kubectl wait --for=delete hpa/ihpa-web --timeout=90s", 120s);
    EXPECT_EQ(delete_status, 0) << deleted;
}

TEST_F(IhpaCrdTest, ValidatesListsAndTakesTheReconciledHpa)
{
    {
        SCOPED_TRACE("a valid IHPA is accepted and listed");
        accepts_a_valid_ihpa_and_lists_it_with_its_columns();
    }
    {
        SCOPED_TRACE("invalid IHPAs are rejected");
        rejects_invalid_specs_with_the_apiservers_message();
    }
    {
        SCOPED_TRACE("the reconciled HPA");
        reconciled_hpa_is_valid_stays_in_sync_is_repaired_and_is_collected();
    }
}

} // namespace
} // namespace ihpa::test
