// The controller loop of `ihpa serve` end to end, against the real control plane of
// test/support/control_plane.hpp (one for the whole binary) and a real redis-server: two
// `ihpa serve --kubeconfig` replicas elect a leader on the Lease `ihpa-controller`; the leader
// turns an IHPA into the HPA `ihpa-<name>` with its injected `ihpa-forecast` entry, both replicas
// serve the forecast through the aggregator, the real HPA controller scales the Deployment on
// it, a deleted or edited HPA is restored, the HPA is garbage collected with its IHPA, and when
// the leader is killed the other replica takes over. The forecasts read Redis list lengths the
// test sets, with a history requirement not met within the test (minHistory 20000 of at most
// 20160 steps: 14d at 1m), so the value served is exactly the latest
// one observed (docs/adapter-sources.md, Redis) and every expected replica count is known.
// Skipped with a message where the control plane or redis-server is missing.
#include "test/e2e/kube_json.hpp"
#include "test/support/control_plane_test.hpp"
#include "test/support/https_client.hpp"
#include "test/support/redis_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <array>
#include <memory>
#include <optional>
#include <sstream>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

/// Lease timings short enough for a failover within seconds (duration, renew deadline, retry).
constexpr int kLeaseSeconds = 4;
constexpr int kRetrySeconds = 1;
/// Generous bounds for the external processes to act: CPU is shared, and the sanitizers slow
/// `ihpa` down several times.
constexpr std::chrono::seconds kReconcileTimeout{90};
constexpr std::chrono::seconds kHpaControllerTimeout{120};
constexpr std::chrono::seconds kGarbageCollectionTimeout{120};

/// The per-pod target of the `jobs` metric and the list lengths behind it: the current value
/// (pass-through `jobs`, 150: 2 replicas) and the forecast (`ihpa-forecast`, 450: 5 replicas).
constexpr int kTargetPerPod = 100;
constexpr int kCurrentJobs = 150;
constexpr int kForecastJobs = 450;
constexpr int kReplicasForTheForecast = (kForecastJobs + kTargetPerPod - 1) / kTargetPerPod;

/// A Deployment of one replica whose pod requests 200m cpu (pods stay Pending here: no kubelet).
json deployment(const std::string& name)
{
    const json container = {{"name", name},
                            {"image", "registry.invalid/" + name + ":1"},
                            {"resources", {{"requests", {{"cpu", "200m"}}}}}};
    json object = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}};
    object["metadata"] = {{"name", name}, {"namespace", "default"}};
    object["spec"]["replicas"] = 1;
    object["spec"]["selector"]["matchLabels"]["app"] = name;
    object["spec"]["template"]["metadata"]["labels"]["app"] = name;
    object["spec"]["template"]["spec"]["containers"] = json::array({container});
    return object;
}

/// An IHPA for Deployment `target` on the External metric `jobs` (AverageValue 100 per pod),
/// forecast from the Redis list `jobs` of source `queues` (the HPA's own `jobs` entry reads
/// `jobs-now`).
json ihpa(const std::string& name, const std::string& target)
{
    json metric = {{"type", "External"},
                   {"external",
                    {{"metric", {{"name", "jobs"}}},
                     {"target", {{"type", "AverageValue"}, {"averageValue", std::to_string(kTargetPerPod)}}}}}};
    return {{"apiVersion", "ihpa.dev/v1beta1"},
            {"kind", "IntelligentHorizontalPodAutoscaler"},
            {"metadata", {{"name", name}, {"namespace", "default"}}},
            {"spec",
             {{"template",
               {{"spec",
                 {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", target}}},
                  {"minReplicas", 1},
                  {"maxReplicas", 10},
                  {"metrics", json::array({metric})}}}}},
              {"forecast", {{"leadTime", "1m"}, {"minHistory", 20000}}},
              {"metrics",
               json::array({{{"key", "jobs"}, {"source", {{"redis", {{"name", "queues"}, {"query", "LLEN jobs"}}}}}}})}}}};
}

/// The value of the Prometheus sample `name` (with its labels, e.g. `x{a="b"}`) in `text`,
/// or the sum over every sample of the family `name` when `name` has no labels.
std::optional<double> sample(const std::string& text, const std::string& name)
{
    std::optional<double> total;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const bool family = name.find('{') == std::string::npos;
        const bool match = family ? (line.starts_with(name + "{") || line.starts_with(name + " "))
                                  : line.starts_with(name + " ");
        if (match) {
            total = total.value_or(0) + std::stod(line.substr(line.rfind(' ') + 1));
        }
    }
    return total;
}

/// TLS as the aggregator's front proxy (its client certificate; the self-signed serving
/// certificate is not verified).
TlsClientOptions front_proxy()
{
    const std::string pki = ControlPlane::shared().state_dir() + "/pki/";
    TlsClientOptions options;
    options.cert_file = pki + "front-proxy-client.crt";
    options.key_file = pki + "front-proxy-client.key";
    return options;
}

/// One `ihpa serve` replica with its controller: its identity and its secure port.
struct Replica {
    std::string identity;
    ServeInstance serve;
};

/// What every test of this binary shares, set up once: the CRD, a redis-server with the job
/// lists, a second one that a test stops (source `outage`), the adapter configuration and two
/// `ihpa serve` replicas, the APIService pointing at the first.
class Cluster {
public:
    static Cluster& get()
    {
        static Cluster cluster;
        return cluster;
    }
    /// Why the set-up failed; empty when it worked.
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] std::array<Replica, 2>& replicas() { return replicas_; }
    /// The redis-server of source `outage`, with the list `jobs` of kForecastJobs entries.
    [[nodiscard]] RedisServer& outage_redis() { return outage_redis_; }
    /// Fills the list `jobs` of the outage source; false when Redis did not take it.
    bool fill_outage_list()
    {
        std::vector<std::string> push{"RPUSH", "jobs"};
        push.resize(2 + kForecastJobs, "job");
        return outage_redis_.command({"DEL", "jobs"}).has_value() && outage_redis_.command(push).has_value();
    }
    /// The replica named `identity`, null when none is.
    Replica* replica(const std::string& identity)
    {
        for (Replica& replica : replicas_) {
            if (replica.identity == identity) {
                return &replica;
            }
        }
        return nullptr;
    }

    /// GET /metrics of `replica`, authenticated as the aggregator's front proxy for a member of
    /// system:masters (allowed without a SubjectAccessReview).
    static std::string metrics(const Replica& replica)
    {
        const auto response = https_get(replica.serve.port, "/metrics",
                                        {"X-Remote-User: e2e-test", "X-Remote-Group: system:masters"}, front_proxy());
        return response && response->status == 200 ? response->body : std::string();
    }

private:
    Cluster()
    {
        ControlPlane& plane = ControlPlane::shared();
        const CommandResult crd = plane.apply_ihpa_crd();
        if (crd.status != 0) {
            error_ = crd.output;
            return;
        }
        if (!redis_.running() || !outage_redis_.running()) {
            error_ = "redis-server did not start: " + redis_.error() + outage_redis_.error();
            return;
        }
        std::vector<std::string> push_now{"RPUSH", "jobs-now"};
        push_now.resize(2 + kCurrentJobs, "job");
        std::vector<std::string> push{"RPUSH", "jobs"};
        push.resize(2 + kForecastJobs, "job");
        if (!redis_.command(push_now) || !redis_.command(push) || !fill_outage_list()) {
            error_ = "could not fill the job lists";
            return;
        }
        const std::string config = plane.file("ihpa-config.yaml", "sources:\n"
                                                                  "  - name: queues\n"
                                                                  "    interval: 1s\n"
                                                                  "    redis: {address: \"" +
                                                                      redis_.address() +
                                                                      "\"}\n"
                                                                      "  - name: outage\n"
                                                                      "    interval: 1s\n"
                                                                      "    redis: {address: \"" +
                                                                      outage_redis_.address() +
                                                                      "\"}\n"
                                                                      "metrics:\n"
                                                                      "  - name: jobs\n"
                                                                      "    source: queues\n"
                                                                      "    query: LLEN jobs-now\n");
        for (const char* identity : {"e2e-a", "e2e-b"}) {
            Replica replica{identity,
                            start_serve({"--kubeconfig", plane.kubeconfig(), "--config", config,
                                         "--requestheader-client-ca-file", plane.front_proxy_ca(),
                                         "--requestheader-allowed-names", "front-proxy-client",
                                         "--identity", identity, "--leader-elect-lease-duration",
                                         std::to_string(kLeaseSeconds) + "s", "--leader-elect-renew-deadline",
                                         std::to_string(kLeaseSeconds - 1) + "s", "--leader-elect-retry-period",
                                         std::to_string(kRetrySeconds) + "s", "--v", "2"})};
            if (replica.serve.port == 0) {
                error_ = std::string("ihpa serve ") + identity + " did not start:\n" +
                         replica.serve.process->output();
                return;
            }
            replicas_[replicas_[0].identity.empty() ? 0 : 1] = std::move(replica);
        }
        const CommandResult registered = plane.register_apiservice(replicas_[0].serve.port);
        if (registered.status != 0) {
            error_ = "the APIService did not become Available:\n" + registered.output;
        }
    }

    RedisServer redis_;
    RedisServer outage_redis_;
    std::array<Replica, 2> replicas_;
    std::string error_;
};

class ControllerTest : public ControlPlaneTest {
protected:
    void SetUp() override
    {
        ControlPlaneTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        require_local("the controller test (the front-proxy CA, the APIService script)");
        if (IsSkipped()) {
            return;
        }
        if (!RedisServer::available()) {
            GTEST_SKIP() << "redis-server is not installed (the forecasts read a Redis list)";
        }
        ASSERT_TRUE(cluster().error().empty()) << cluster().error() << replica_output();
    }

    static Cluster& cluster() { return Cluster::get(); }

    /// The output of both replicas, for failure messages.
    static std::string replica_output()
    {
        std::string text;
        for (const Replica& replica : cluster().replicas()) {
            if (replica.serve.process) {
                text += "\n--- ihpa serve " + replica.identity + ":\n" + replica.serve.process->output();
            }
        }
        return text;
    }

    /// Applies `object` (kubectl apply of its JSON).
    static void apply(const json& object)
    {
        const std::string name = object["metadata"]["name"];
        const CommandResult applied =
            plane().kubectl("apply -f " + plane().file(name + "-" + object["kind"].get<std::string>() + ".json",
                                                       object.dump()));
        ASSERT_EQ(applied.status, 0) << applied.output;
    }

    /// Polls `kubectl get <what> -o json` until `accept` holds for the object; the object.
    static json eventually(const std::string& what, const std::function<bool(const json&)>& accept,
                           std::chrono::seconds timeout = kReconcileTimeout)
    {
        const ObjectPoll polled = object_until(plane(), what, accept, timeout);
        EXPECT_TRUE(polled.met) << "kubectl get " << what << " did not come to the expected state within "
                                << timeout.count() << " s; last output:\n"
                                << polled.output << replica_output();
        return polled.object;
    }

    /// The holder of the Lease ihpa-controller; empty when nobody holds it.
    static std::string lease_holder()
    {
        const CommandResult lease =
            plane().kubectl("get lease ihpa-controller -o jsonpath='{.spec.holderIdentity}'", 30s);
        return lease.status == 0 ? lease.output : std::string();
    }
};

TEST_F(ControllerTest, TurnsAnIhpaIntoAnHpaThatTheHpaControllerScalesOnTheForecast)
{
    apply(deployment("web"));
    apply(ihpa("web", "web"));

    // The leader creates the HPA: the template verbatim plus the injected forecast entry.
    const json hpa = eventually("hpa ihpa-web", [](const json& h) { return forecast_entry(h) >= 0; });
    const int entry = forecast_entry(hpa);
    ASSERT_GE(entry, 0);
    EXPECT_EQ(hpa["spec"]["scaleTargetRef"]["name"], "web");
    EXPECT_EQ(hpa["spec"]["minReplicas"], 1);
    EXPECT_EQ(hpa["spec"]["maxReplicas"], 10);
    ASSERT_EQ(hpa["spec"]["metrics"].size(), 2U) << hpa.dump(2);
    EXPECT_EQ(hpa["spec"]["metrics"][0]["external"]["metric"]["name"], "jobs");
    const json injected = hpa["spec"]["metrics"][entry]["external"];
    EXPECT_EQ(injected["metric"]["selector"]["matchLabels"],
              (json{{"ihpa.dev/name", "web"}, {"ihpa.dev/metric", "jobs"}}));
    EXPECT_EQ(injected["target"], (json{{"type", "AverageValue"}, {"averageValue", "100"}}));
    const json owner = hpa["metadata"]["ownerReferences"];
    ASSERT_EQ(owner.size(), 1U) << hpa.dump(2);
    EXPECT_EQ(owner[0]["kind"], "IntelligentHorizontalPodAutoscaler");
    EXPECT_EQ(owner[0]["name"], "web");
    EXPECT_EQ(owner[0]["controller"], true);

    // The forecast, through the aggregator: the latest Redis value, as a workload total.
    const std::string path = "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/ihpa-forecast"
                             "?labelSelector=ihpa.dev%2Fname%3Dweb%2Cihpa.dev%2Fmetric%3Djobs";
    const PollResult served = plane().kubectl_until(
        "get --raw '" + path + "'", [](const CommandResult& r) { return r.status == 0; }, kReconcileTimeout);
    ASSERT_TRUE(served.met) << served.last.output << replica_output();
    const json forecast = json::parse(served.last.output);
    ASSERT_EQ(forecast["items"].size(), 1U) << forecast.dump(2);
    EXPECT_EQ(forecast["items"][0]["metricName"], "ihpa-forecast");
    EXPECT_EQ(forecast["items"][0]["metricLabels"],
              (json{{"ihpa.dev/name", "web"}, {"ihpa.dev/metric", "jobs"}}));
    EXPECT_EQ(forecast["items"][0]["value"], std::to_string(kForecastJobs));
    // Every replica serves it, the leader or not.
    for (const Replica& replica : cluster().replicas()) {
        const auto direct = https_get(replica.serve.port, path,
                                      {"X-Remote-User: e2e-test", "X-Remote-Group: system:masters"},
                                      front_proxy());
        ASSERT_TRUE(direct) << replica.identity;
        EXPECT_EQ(direct->status, 200) << replica.identity << ": " << direct->body;
    }

    // The real HPA controller reads both entries and scales on the larger: the forecast.
    const json scaled = eventually(
        "hpa ihpa-web",
        [](const json& h) {
            return h.is_object() && h["status"].value("currentMetrics", json::array()).size() == 2 &&
                   h["status"].value("desiredReplicas", 0) == kReplicasForTheForecast;
        },
        kHpaControllerTimeout);
    const json current = scaled["status"]["currentMetrics"];
    ASSERT_EQ(current.size(), 2U) << scaled.dump(2);
    EXPECT_EQ(current[0]["external"]["metric"]["name"], "jobs");
    // (per pod: 150 over the replicas of the moment)
    EXPECT_TRUE(current[0]["external"]["current"].contains("averageValue")) << current.dump(2);
    EXPECT_EQ(current[entry]["external"]["metric"]["name"], "ihpa-forecast");
    const json web = eventually("deployment web", [](const json& d) {
        return d.is_object() && d["spec"].value("replicas", 0) == kReplicasForTheForecast;
    });
    EXPECT_EQ(web["spec"]["replicas"], kReplicasForTheForecast);

    // The IHPA's status and its columns tell what happened.
    const json status = eventually("ihpa web", [](const json& i) {
        return i.is_object() && i["status"].value("observedGeneration", 0) == i["metadata"]["generation"] &&
               i["status"].value("currentReplicas", 0) == kReplicasForTheForecast;
    })["status"];
    std::map<std::string, std::string> conditions;
    for (const json& condition : status.value("conditions", json::array())) {
        conditions[condition["type"]] = condition["status"];
    }
    for (const char* type : {"Ready", "ForecastReady", "Degraded", "ScalingActive"}) {
        EXPECT_TRUE(conditions.contains(type)) << type << " in " << status.dump(2);
    }
    EXPECT_EQ(conditions["Ready"], "True") << status.dump(2);
    EXPECT_EQ(conditions["ScalingActive"], "True") << status.dump(2);
    ASSERT_EQ(status.value("metrics", json::array()).size(), 1U) << status.dump(2);
    EXPECT_EQ(status["metrics"][0]["key"], "jobs");
    const CommandResult table = plane().kubectl("get ihpa web");
    ASSERT_EQ(table.status, 0) << table.output;
    const std::string header = table.output.substr(0, table.output.find('\n'));
    std::size_t at = 0;
    for (const char* column : {"NAME", "TARGET", "MIN", "MAX", "REPLICAS", "FORECAST", "MODE", "READY", "AGE"}) {
        at = header.find(column, at);
        ASSERT_NE(at, std::string::npos) << column << " in order, in: " << header;
    }
    std::istringstream row(table.output.substr(table.output.find('\n') + 1));
    std::vector<std::string> cells;
    for (std::string cell; row >> cell;) {
        cells.push_back(cell);
    }
    ASSERT_EQ(cells.size(), 9U) << "every column filled:\n" << table.output;
    EXPECT_EQ(cells[1], "web");
    EXPECT_EQ(cells[4], std::to_string(kReplicasForTheForecast));
    EXPECT_EQ(cells[6], "Auto");
    EXPECT_EQ(cells[7], "True");
}

TEST_F(ControllerTest, RestoresADeletedOrEditedHpaAndTheHpaGoesWithItsIhpa)
{
    apply(deployment("shop"));
    apply(ihpa("shop", "shop"));
    const json created = eventually("hpa ihpa-shop", [](const json& h) { return forecast_entry(h) >= 0; });
    ASSERT_TRUE(created.is_object());
    const std::string first_uid = created["metadata"]["uid"];

    const CommandResult deleted = plane().kubectl("delete hpa ihpa-shop --wait=true");
    ASSERT_EQ(deleted.status, 0) << deleted.output;
    const json recreated = eventually("hpa ihpa-shop", [&](const json& h) {
        return h.is_object() && h["metadata"]["uid"] != first_uid && forecast_entry(h) >= 0;
    });
    ASSERT_TRUE(recreated.is_object());

    const CommandResult edited = plane().kubectl(
        "patch hpa ihpa-shop --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/maxReplicas\",\"value\":99},"
        "{\"op\":\"remove\",\"path\":\"/spec/metrics/" +
        std::to_string(forecast_entry(recreated)) + "\"}]'");
    ASSERT_EQ(edited.status, 0) << edited.output;
    const json repaired = eventually("hpa ihpa-shop", [](const json& h) {
        return h.is_object() && h["spec"].value("maxReplicas", 0) == 10 && forecast_entry(h) >= 0;
    });
    EXPECT_EQ(repaired["spec"]["metrics"].size(), 2U) << repaired.dump(2);

    // The garbage collector follows the ownerReference (it may first have to discover the CRD's
    // resource: its discovery resync runs every 30 s).
    const CommandResult gone = plane().run(
        "kubectl delete ihpa shop && kubectl wait --for=delete hpa/ihpa-shop --timeout=" +
            std::to_string(kGarbageCollectionTimeout.count()) + "s",
        kGarbageCollectionTimeout + 30s);
    EXPECT_EQ(gone.status, 0) << gone.output;
}

TEST_F(ControllerTest, AScheduleWindowRaisesTheHpasFloorAndTheSchemaRefusesABadOne)
{
    // A window that opens every minute for an hour is open whenever the test runs.
    apply(deployment("sale"));
    json object = ihpa("sale", "sale");
    object["spec"]["schedules"] = json::array(
        {{{"name", "always"}, {"schedule", "* * * * *"}, {"timeZone", "Europe/Paris"},
          {"duration", "1h"}, {"minReplicas", 4}}});
    apply(object);
    const json hpa = eventually("hpa ihpa-sale", [](const json& h) {
        return h.is_object() && h["spec"].value("minReplicas", 0) == 4;
    });
    EXPECT_EQ(hpa["spec"]["maxReplicas"], 10) << hpa.dump(2);
    const json ihpa_object = eventually("ihpa sale", [](const json& i) {
        return i.is_object() && i.value("status", json::object()).contains("schedule");
    });
    EXPECT_EQ(ihpa_object["status"]["schedule"]["name"], "always") << ihpa_object.dump(2);
    EXPECT_EQ(ihpa_object["status"]["schedule"]["minReplicas"], 4);
    const CommandResult events = plane().kubectl(
        "get events.events.k8s.io --field-selector regarding.name=sale -o jsonpath='{.items[*].reason}'");
    EXPECT_NE(events.output.find("ScheduleStarted"), std::string::npos) << events.output;

    // Removing the schedule gives the template's floor back.
    object["spec"].erase("schedules");
    apply(object);
    eventually("hpa ihpa-sale", [](const json& h) {
        return h.is_object() && h["spec"].value("minReplicas", 0) == 1;
    });

    // The CRD's schema refuses what it can check: a floor of 0, a schedule without a duration.
    json bad = ihpa("bad-schedule", "sale");
    bad["spec"]["schedules"] = json::array(
        {{{"name", "x"}, {"schedule", "0 9 * * *"}, {"minReplicas", 0}}});
    const CommandResult refused = plane().kubectl(
        "apply --dry-run=server -f " + plane().file("bad-schedule.json", bad.dump()));
    EXPECT_NE(refused.status, 0) << refused.output;
    EXPECT_NE(refused.output.find("minReplicas"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("duration"), std::string::npos) << refused.output;
    EXPECT_EQ(plane().kubectl("delete ihpa sale --wait=true").status, 0);
}

/// The condition `type` of an IHPA object's status (null when it has none).
json condition(const json& ihpa, const std::string& type)
{
    if (!ihpa.is_object()) {
        return nullptr;
    }
    for (const json& each : ihpa["status"].value("conditions", json::array())) {
        if (each.value("type", std::string()) == type) {
            return each;
        }
    }
    return nullptr;
}

TEST_F(ControllerTest, ASourceOutageIsDegradedWhileTheCacheServesAndClearsWhenTheSourceReturns)
{
    // Forecast from source `outage`; stale after 3 s without a point, unavailable only after 10 m.
    json object = ihpa("cache", "cache");
    object["spec"]["forecast"]["maxStaleness"] = "3s";
    object["spec"]["forecast"]["hardStaleness"] = "10m";
    object["spec"]["metrics"][0]["source"] = {{"redis", {{"name", "outage"}, {"query", "LLEN jobs"}}}};
    apply(deployment("cache"));
    apply(object);
    const auto degraded_is = [](const char* status, const char* reason) {
        return [=](const json& i) {
            const json c = condition(i, "Degraded");
            return c.is_object() && c.value("status", std::string()) == status &&
                   c.value("reason", std::string()) == reason &&
                   i["status"].value("observedGeneration", 0) == i["metadata"]["generation"];
        };
    };
    const std::string path = "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/ihpa-forecast"
                             "?labelSelector=ihpa.dev%2Fname%3Dcache%2Cihpa.dev%2Fmetric%3Djobs";
    // Every replica serves the forecast (each registers and polls it on its own).
    const auto served_by_every_replica = [&](const std::string& expected) {
        for (const Replica& replica : cluster().replicas()) {
            const PollResult served = poll_until(
                [&] {
                    const auto direct = https_get(replica.serve.port, path,
                                                  {"X-Remote-User: e2e-test", "X-Remote-Group: system:masters"},
                                                  front_proxy());
                    return direct ? CommandResult{direct->status == 200 ? 0 : direct->status, direct->body}
                                  : CommandResult{-1, "no answer"};
                },
                [](const CommandResult& r) { return r.status == 0; }, kReconcileTimeout);
            ASSERT_TRUE(served.met) << replica.identity << ": " << served.last.output << replica_output();
            const json list = json::parse(served.last.output);
            ASSERT_EQ(list["items"].size(), 1U) << served.last.output;
            EXPECT_EQ(list["items"][0]["value"], expected) << replica.identity;
        }
    };
    served_by_every_replica(std::to_string(kForecastJobs));
    // The status says so once the controller has seen the adapter serve it from fresh data: the
    // latest value until the model has its minHistory (coldStart).
    const auto served_from_the_source = [](const json& i) {
        const json metrics = i["status"].value("metrics", json::array());
        return metrics.size() == 1 && metrics[0].value("state", std::string()) == "coldStart";
    };
    eventually("ihpa cache", [&](const json& i) {
        return degraded_is("False", "AsExpected")(i) && served_from_the_source(i);
    });

    // The source goes down: the IHPA says Degraded (Stale) and names the metric, while the cache
    // keeps answering the HPA with the last value, and /metrics shows the state.
    cluster().outage_redis().kill();
    const json stale = eventually("ihpa cache", degraded_is("True", "Stale"));
    EXPECT_NE(condition(stale, "Degraded").value("message", std::string()).find("jobs"), std::string::npos)
        << stale.dump(2);
    EXPECT_EQ(condition(stale, "Ready")["status"], "True") << stale.dump(2);
    served_by_every_replica(std::to_string(kForecastJobs));
    for (const Replica& replica : cluster().replicas()) {
        const std::string metrics = Cluster::metrics(replica);
        EXPECT_NE(metrics.find("ihpa_forecast_state{"), std::string::npos) << replica.identity;
        bool stale_sample = false;
        std::istringstream lines(metrics);
        for (std::string line; std::getline(lines, line);) {
            stale_sample |= line.starts_with("ihpa_forecast_state{") &&
                            line.find("forecast=\"ihpa/default/cache/jobs\"") != std::string::npos &&
                            line.find("state=\"stale\"") != std::string::npos && line.ends_with(" 1");
        }
        EXPECT_TRUE(stale_sample) << replica.identity << ":\n" << metrics;
    }

    // It returns (empty: nothing was persisted) and is filled again: fresh points, Degraded clears.
    ASSERT_TRUE(cluster().outage_redis().restart()) << cluster().outage_redis().error();
    ASSERT_TRUE(cluster().fill_outage_list());
    eventually("ihpa cache", [&](const json& i) {
        return degraded_is("False", "AsExpected")(i) && served_from_the_source(i);
    });
    served_by_every_replica(std::to_string(kForecastJobs));
}

TEST_F(ControllerTest, OnlyTheLeaseHolderWritesAndTheOtherTakesOverWhenItIsKilled)
{
    // Someone holds the Lease, and it is one of the two replicas.
    const PollResult held = poll_until(
        [] { return CommandResult{0, lease_holder()}; },
        [](const CommandResult& r) { return Cluster::get().replica(r.output) != nullptr; }, kReconcileTimeout);
    ASSERT_TRUE(held.met) << "holder: '" << held.last.output << "'" << replica_output();
    Replica& leader = *cluster().replica(held.last.output);
    Replica& follower = &leader == &cluster().replicas()[0] ? cluster().replicas()[1] : cluster().replicas()[0];

    // An IHPA to reconcile, so the leader has something to write.
    apply(deployment("batch"));
    apply(ihpa("batch", "batch"));
    eventually("hpa ihpa-batch", [](const json& h) { return forecast_entry(h) >= 0; });
    const std::string leader_metrics = Cluster::metrics(leader);
    const std::string follower_metrics = Cluster::metrics(follower);
    EXPECT_EQ(sample(leader_metrics, "ihpa_controller_leader"), 1.0) << leader_metrics;
    EXPECT_EQ(sample(follower_metrics, "ihpa_controller_leader"), 0.0) << follower_metrics;
    // Both reconcile (the follower too: it registers the forecasts it serves); only the leader
    // writes.
    EXPECT_GT(sample(leader_metrics, "ihpa_controller_reconciles_total").value_or(0), 0.0) << leader_metrics;
    EXPECT_GT(sample(leader_metrics, "ihpa_controller_writes_total").value_or(0), 0.0) << leader_metrics;
    EXPECT_EQ(sample(follower_metrics, "ihpa_controller_writes_total"), 0.0) << follower_metrics;
    EXPECT_TRUE(sample(leader_metrics, "ihpa_controller_queue_depth")) << leader_metrics;

    // kill -9: no release; the other replica waits the lease out and takes over.
    const auto killed_at = std::chrono::system_clock::now();
    leader.serve.process->send_signal(SIGKILL);
    ASSERT_TRUE(leader.serve.process->wait_exit(30s));
    const PollResult taken = poll_until(
        [] { return CommandResult{0, lease_holder()}; },
        [&](const CommandResult& r) { return r.output == follower.identity; }, kReconcileTimeout);
    ASSERT_TRUE(taken.met) << "holder: '" << taken.last.output << "'" << replica_output();
    const json lease = parsed(plane().kubectl("get lease ihpa-controller -o json"));
    ASSERT_TRUE(lease.is_object());
    EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], kLeaseSeconds);
    EXPECT_GE(lease["spec"].value("leaseTransitions", 0), 1);
    // The takeover came within the lease duration after the last renewal it saw, plus one retry
    // period to notice (a margin for the jitter of the retries and the shared CPU).
    const CommandResult acquired = plane().run(
        "date -d \"$(kubectl get lease ihpa-controller -o jsonpath='{.spec.acquireTime}')\" +%s%3N");
    ASSERT_EQ(acquired.status, 0) << acquired.output;
    const auto acquired_ms = std::stoll(acquired.output);
    const auto killed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(killed_at.time_since_epoch()).count();
    EXPECT_LE(acquired_ms - killed_ms, (kLeaseSeconds + 2 * kRetrySeconds + 2) * 1000LL)
        << "took over " << acquired_ms - killed_ms << " ms after the kill";

    // The new leader writes: a new IHPA gets its HPA.
    apply(deployment("worker"));
    apply(ihpa("worker", "worker"));
    eventually("hpa ihpa-worker", [](const json& h) { return forecast_entry(h) >= 0; });
    const std::string taken_over = Cluster::metrics(follower);
    EXPECT_EQ(sample(taken_over, "ihpa_controller_leader"), 1.0) << taken_over;
    EXPECT_GT(sample(taken_over, "ihpa_controller_writes_total{kind=\"hpa_create\"}").value_or(0), 0.0)
        << taken_over;
}

} // namespace
} // namespace ihpa::test
