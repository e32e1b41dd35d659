#include "test/e2e/example_test.hpp"

#include "common/quantity.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace ihpa::test {

using namespace std::chrono_literals;
using nlohmann::json;

void ExampleTest::SetUp()
{
    ControlPlaneTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
        return;
    }
    require_local("the examples' tests (the front-proxy CA, the APIService script)");
    if (IsSkipped()) {
        return;
    }
    const CommandResult crd = plane().apply_ihpa_crd();
    ASSERT_EQ(crd.status, 0) << crd.output;
    const CommandResult created = plane().kubectl("create namespace " + namespace_);
    ASSERT_EQ(created.status, 0) << created.output;
}

void ExampleTest::TearDown()
{
    if (!IsSkipped()) {
        plane().kubectl("delete namespace " + namespace_ + " --wait=false --ignore-not-found");
    }
}

std::string ExampleTest::example(const std::string& relative)
{
    return std::string(IHPA_SOURCE_DIR) + "/examples/" + relative;
}

std::string ExampleTest::example_text(const std::string& relative)
{
    std::ifstream in(example(relative));
    EXPECT_TRUE(in.good()) << "cannot read " << example(relative);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string ExampleTest::replaced(std::string text, const std::string& from, const std::string& to)
{
    EXPECT_NE(text.find(from), std::string::npos) << "'" << from << "' is not in:\n" << text;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

void ExampleTest::start_ihpa(const std::string& config_text, const std::vector<std::string>& extra)
{
    std::vector<std::string> args{"--config", plane().file(namespace_ + "-config.yaml", config_text),
                                  "--requestheader-client-ca-file", plane().front_proxy_ca(),
                                  "--requestheader-allowed-names", "front-proxy-client", "--v", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    serve_ = start_serve(args);
    ASSERT_NE(serve_.port, 0) << "ihpa serve did not start:\n" << serve_output();
    const CommandResult registered = plane().register_apiservice(serve_.port);
    ASSERT_EQ(registered.status, 0) << registered.output << serve_output();
}

void ExampleTest::start_ihpa_controller(const std::string& config_text, const std::vector<std::string>& extra)
{
    std::vector<std::string> args{"--kubeconfig", plane().kubeconfig(), "--leader-elect", "false"};
    args.insert(args.end(), extra.begin(), extra.end());
    start_ihpa(config_text, args);
}

std::string ExampleTest::serve_output() const
{
    return serve_.process ? "\n--- ihpa serve:\n" + serve_.process->output() : std::string();
}

CommandResult ExampleTest::kubectl(const std::string& args)
{
    return plane().kubectl("-n " + namespace_ + " " + args);
}

json ExampleTest::eventually(const std::string& what, const std::function<bool(const json&)>& accept,
                             std::chrono::seconds timeout)
{
    const ObjectPoll polled = object_until(plane(), "-n " + namespace_ + " " + what, accept, timeout);
    EXPECT_TRUE(polled.met) << "kubectl get " << what << " did not come to the expected state within "
                            << timeout.count() << " s; last output:\n"
                            << polled.output << serve_output();
    return polled.object;
}

std::optional<double> ExampleTest::external_value(const std::string& metric, const std::string& label_selector)
{
    const json list = parsed(plane().kubectl("get --raw '/apis/external.metrics.k8s.io/v1beta1/namespaces/" +
                                             namespace_ + "/" + metric +
                                             (label_selector.empty() ? "" : "?labelSelector=" + label_selector) +
                                             "'", 30s));
    if (!list.is_object() || !list.contains("items") || list["items"].size() != 1) {
        return std::nullopt;
    }
    const auto value = common::parse_quantity(list["items"][0].value("value", ""));
    return value ? std::optional<double>(*value) : std::nullopt;
}

std::int64_t unix_now(bool minute)
{
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return minute ? now / 60 * 60 : now;
}

int replicas_for(double value, double per_pod)
{
    return std::max(1, static_cast<int>(std::ceil(value / per_pod)));
}

int spec_replicas(const json& deployment)
{
    return deployment.is_object() && deployment.contains("spec") ? deployment["spec"].value("replicas", 0) : 0;
}

std::vector<std::string> current_metric_names(const json& hpa)
{
    std::vector<std::string> names;
    if (!hpa.is_object() || !hpa.contains("status")) {
        return names;
    }
    for (const json& metric : hpa["status"].value("currentMetrics", json::array())) {
        if (metric.contains("external")) {
            names.push_back(metric["external"]["metric"].value("name", ""));
        } else if (metric.contains("resource")) {
            names.push_back(metric["resource"].value("name", ""));
        }
    }
    return names;
}

} // namespace ihpa::test
