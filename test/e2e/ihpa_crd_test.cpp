// End to end against a real kube-apiserver (1.26): the IHPA CRD is established, validates what
// a user writes (schema and CEL rules) and lists with its printer columns; the HPA the
// reconciler builds from an IHPA read back from the apiserver is a valid autoscaling/v2 object,
// shows no drift once the apiserver stored (and defaulted) it, is repaired after an edit, and
// is garbage collected with its IHPA. Uses the control plane of test/support/control_plane.hpp,
// started once for the whole binary; skipped with its message where there is none.
#include "common/quantity.hpp"
#include "controller/reconciler.hpp"
#include "test/support/control_plane_test.hpp"
#include "test/unit/controller/ihpa_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace ctl = ihpa::controller;

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

/// The control plane with the CRD established.
class IhpaCrdTest : public ControlPlaneTest {
protected:
    void SetUp() override
    {
        ControlPlaneTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        const auto [status, output] = plane().apply_ihpa_crd();
        ASSERT_EQ(status, 0) << output;
    }
};

TEST_F(IhpaCrdTest, AcceptsAValidIhpaAndListsItWithItsColumns)
{
    json shop = valid_ihpa("shop");
    // A metric forecast from its traffic passes the schema too.
    shop["spec"]["metrics"][0]["traffic"] = {
        {"drivers", {{{"prometheus", {{"query", "sum(rate(http_requests_total[2m]))"}}}}}},
        {"replicas", {{"prometheus", {{"query", "kube_deployment_status_replicas{deployment=\"web\"}"}}}}},
        {"minR2", 0.6}};
    const std::string path = plane().file("valid.json", shop.dump());
    const auto [dry_status, dry] = plane().kubectl("apply --dry-run=server -f " + path);
    ASSERT_EQ(dry_status, 0) << dry;
    const auto [status, applied] = plane().kubectl("apply -f " + path);
    ASSERT_EQ(status, 0) << applied;

    const auto [get_status, table] = plane().kubectl("get ihpa shop");
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
    const auto [wide_status, wide] = plane().kubectl("get ihpa shop -o wide");
    EXPECT_NE(wide.find("Deployment"), std::string::npos) << wide;
}

TEST_F(IhpaCrdTest, RejectsInvalidSpecsWithTheApiserversMessage)
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
        {"traffic driver with two kinds",
         [](json& o) {
             o["spec"]["metrics"][0]["traffic"] = {
                 {"drivers", {{{"prometheus", {{"query", "a"}}}, {"redis", {{"query", "LLEN a"}}}}}},
                 {"replicas", {{"prometheus", {{"query", "b"}}}}}};
         },
         "a source sets exactly one of prometheus, datadog, redis, replay"},
        {"traffic without replicas",
         [](json& o) { o["spec"]["metrics"][0]["traffic"] = {{"drivers", {{{"prometheus", {{"query", "a"}}}}}}}; },
         "spec.metrics[0].traffic.replicas: Required value"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        json object = valid_ihpa("invalid");
        c.edit(object);
        const auto [status, output] = plane().kubectl(
            "apply --dry-run=server -f " + plane().file("invalid.json", object.dump()));
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

TEST_F(IhpaCrdTest, TheReconciledHpaIsValidStaysInSyncIsRepairedAndIsCollected)
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
        plane().kubectl("apply -f " + plane().file("web.json", deployment.dump()) +
                        " && kubectl wait deployment/web --for=jsonpath='{.status.replicas}'=2 "
                        "--timeout=30s");
    ASSERT_EQ(deploy_status, 0) << deploy;
    const auto [apply_status, applied] =
        plane().kubectl("apply -f " + plane().file("web-ihpa.json", valid_ihpa("web").dump()));
    ASSERT_EQ(apply_status, 0) << applied;

    ctl::ReconcileInput input = ctl::test::input_for(get_json(plane(), "ihpa web"));
    input.pods = observed_pods(get_json(plane(), "pods -l app=web"));
    ASSERT_EQ(input.pods->size(), 2U);
    input.forecasts["cpu"] = ctl::test::fitted_forecast();
    input.forecasts["http_requests"] = ctl::test::fitted_forecast();
    const ctl::ReconcileResult created = ctl::reconcile(input);
    ASSERT_EQ(created.action, ctl::HpaAction::Create);
    // 60 % of (400m + 100m) per pod
    EXPECT_EQ(created.hpa["spec"]["metrics"][2]["external"]["target"]["averageValue"], "300m");

    const std::string hpa_file = plane().file("hpa.json", created.hpa.dump());
    const auto [dry_status, dry] = plane().kubectl("apply --dry-run=server -f " + hpa_file);
    ASSERT_EQ(dry_status, 0) << dry << "\n" << created.hpa.dump(2);
    const auto [create_status, create] = plane().kubectl("create -f " + hpa_file);
    ASSERT_EQ(create_status, 0) << create;

    input.hpa = get_json(plane(), "hpa ihpa-web");
    EXPECT_EQ(ctl::reconcile(input).action, ctl::HpaAction::None)
        << "the stored, defaulted HPA is what the IHPA asks:\n" << input.hpa->dump(2);

    // the status the reconciler writes passes the status schema and fills the columns
    const auto [status_status, status_out] = plane().kubectl(
        "patch ihpa web --subresource=status --type=merge --patch-file " +
        plane().file("status.json", json{{"status", *ctl::reconcile(input).status}}.dump()));
    ASSERT_EQ(status_status, 0) << status_out;
    const auto [table_status, table] = plane().kubectl("get ihpa web");
    EXPECT_NE(table.find("InUse"), std::string::npos) << table;
    EXPECT_NE(table.find("True"), std::string::npos) << table;
    const auto [describe_status, described] = plane().kubectl("describe ihpa web");
    EXPECT_NE(described.find("the HPA reads a forecast of every metric"), std::string::npos)
        << described;

    // someone edits the HPA: the update restores it and the apiserver takes it
    const auto [edit_status, edit] = plane().kubectl(
        "patch hpa ihpa-web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/maxReplicas\","
        "\"value\":99},{\"op\":\"remove\",\"path\":\"/spec/metrics/2\"}]'");
    ASSERT_EQ(edit_status, 0) << edit;
    input.hpa = get_json(plane(), "hpa ihpa-web");
    const ctl::ReconcileResult repaired = ctl::reconcile(input);
    ASSERT_EQ(repaired.action, ctl::HpaAction::Update);
    const auto [replace_status, replace] =
        plane().kubectl("replace -f " + plane().file("hpa-update.json", repaired.hpa.dump()));
    ASSERT_EQ(replace_status, 0) << replace;
    input.hpa = get_json(plane(), "hpa ihpa-web");
    EXPECT_EQ((*input.hpa)["spec"]["maxReplicas"], 10);
    EXPECT_EQ((*input.hpa)["spec"]["metrics"].size(), 4U) << "two metrics, two forecasts";
    EXPECT_EQ(ctl::reconcile(input).action, ctl::HpaAction::None);

    // the ownerReference lets the garbage collector remove the HPA with its IHPA (it may first
    // have to discover the new resource type: its discovery resync runs every 30 s)
    const auto [delete_status, deleted] = plane().run(
        "kubectl delete ihpa web && kubectl wait --for=delete hpa/ihpa-web --timeout=90s", 120s);
    EXPECT_EQ(delete_status, 0) << deleted;
}

} // namespace
} // namespace ihpa::test
