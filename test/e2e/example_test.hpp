#pragma once

#include "test/e2e/kube_json.hpp"
#include "test/support/control_plane_test.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ihpa::test {

/// Base of the tests that run an example of `examples/` on the real control plane: the IHPA CRD
/// established, the example's namespace created (and deleted after the test, so the IHPAs of one
/// test are not reconciled by the `ihpa serve` of the next), one `ihpa serve` registered as the
/// APIService v1beta1.external.metrics.k8s.io. Skips where the control plane was not started
/// here (the front-proxy CA and the APIService script are needed).
class ExampleTest : public ControlPlaneTest {
protected:
    /// `name`: the namespace the example is applied in.
    explicit ExampleTest(std::string name) : namespace_(std::move(name)) {}

    void SetUp() override;
    void TearDown() override;

    /// The path of `relative` under `examples/`.
    [[nodiscard]] static std::string example(const std::string& relative);
    /// The text of `examples/<relative>`; a test failure when it cannot be read.
    [[nodiscard]] static std::string example_text(const std::string& relative);
    /// `text` with every `from` replaced by `to`; a test failure when `from` does not occur (the
    /// example changed under the test).
    [[nodiscard]] static std::string replaced(std::string text, const std::string& from, const std::string& to);

    /// Starts `ihpa serve --config <file named config with text config_text>` with the
    /// front-proxy CA, `--v 2` and `extra`, and registers it as the APIService (Available).
    /// Fatal failures say why; `serve_output()` has its log.
    void start_ihpa(const std::string& config_text, const std::vector<std::string>& extra);
    /// The same, as the controller too: with the admin kubeconfig and without leader election
    /// (the only writer).
    void start_ihpa_controller(const std::string& config_text, const std::vector<std::string>& extra = {});
    /// The log of `ihpa serve` so far, for failure messages.
    [[nodiscard]] std::string serve_output() const;

    /// `kubectl -n <namespace> <args>`.
    CommandResult kubectl(const std::string& args);
    /// Waits until `kubectl -n <namespace> get <what> -o json` satisfies `accept`; the object
    /// (a test failure with the last output and the log of `ihpa serve` when it did not).
    nlohmann::json eventually(const std::string& what, const std::function<bool(const nlohmann::json&)>& accept,
                              std::chrono::seconds timeout = std::chrono::seconds(120));
    /// The value of the only item of the external metric `metric` of the namespace (with
    /// `label_selector`, URL-encoded) read through the aggregator (`kubectl get --raw`); nullopt
    /// when the read failed or answered another number of items.
    std::optional<double> external_value(const std::string& metric, const std::string& label_selector = "");

    [[nodiscard]] const std::string& ns() const { return namespace_; }

private:
    std::string namespace_;
    ServeInstance serve_;
};

/// The wall-clock time in whole unix seconds, rounded down to the minute when `minute`.
[[nodiscard]] std::int64_t unix_now(bool minute = false);

/// The replicas an AverageValue target `per_pod` asks for a metric of total `value`, as the HPA
/// computes them from one replica (ceil(value / per_pod), at least 1).
[[nodiscard]] int replicas_for(double value, double per_pod);

/// The number in spec.replicas of a Deployment object; 0 when it has none.
[[nodiscard]] int spec_replicas(const nlohmann::json& deployment);

/// The names of the metrics in an HPA's status.currentMetrics (External ones as their metric
/// name, Resource ones as the resource), in order.
[[nodiscard]] std::vector<std::string> current_metric_names(const nlohmann::json& hpa);

} // namespace ihpa::test
