#pragma once

#include "test/support/child_process.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace ihpa::test {

/// What a command line did: its exit status (-1 when it did not end in time) and its stdout and
/// stderr, merged.
struct CommandResult {
    int status = -1;
    std::string output;
};

/// How a poll ended: whether the check was met before the deadline, and the last probe's result
/// (for the failure message).
struct PollResult {
    bool met = false;
    CommandResult last;
};

/// Runs `probe` until `accept` holds for its result or `timeout` has passed, pausing `interval`
/// between attempts. For waiting on processes outside the test (the apiserver, its controllers):
/// the pause paces the probes, it does not stand in for a synchronisation.
PollResult poll_until(const std::function<CommandResult()>& probe,
                      const std::function<bool(const CommandResult&)>& accept,
                      std::chrono::seconds timeout,
                      std::chrono::milliseconds interval = std::chrono::milliseconds(500));

/// A real Kubernetes control plane for end-to-end tests: etcd, kube-apiserver and
/// kube-controller-manager started by `k8s-up.sh` of the folder $IHPA_K8S_DIR (default
/// `IHPA_SOURCE_DIR/../shared/k8s`) on four free loopback ports with a state folder of its own,
/// or, when $IHPA_E2E_KUBECONFIG names a kubeconfig, that cluster as it is (nothing started).
/// `k8s-up.sh` takes its other overrides (K8S_BIN, ETCD_BIN, ...) from the environment.
class ControlPlane {
public:
    /// The control plane of this test binary: started by the first call, stopped
    /// (`k8s-down.sh --purge`) when the binary exits.
    static ControlPlane& shared();

    ~ControlPlane();
    ControlPlane(const ControlPlane&) = delete;
    ControlPlane& operator=(const ControlPlane&) = delete;

    /// Why there is no control plane (scripts or a program missing): a skip message; empty when
    /// there is one.
    [[nodiscard]] const std::string& unavailable() const { return unavailable_; }
    /// Why starting it failed (with the output of `k8s-up.sh`); empty when it runs.
    [[nodiscard]] const std::string& failure() const { return failure_; }
    /// True when this process started the control plane (its state folder and scripts are at
    /// hand); false for the cluster of $IHPA_E2E_KUBECONFIG.
    [[nodiscard]] bool local() const { return !state_dir_.empty(); }
    /// The admin kubeconfig (system:masters).
    [[nodiscard]] const std::string& kubeconfig() const { return kubeconfig_; }
    /// The state folder of `k8s-up.sh` (pki/, logs/, pid files); empty unless `local()`.
    [[nodiscard]] const std::string& state_dir() const { return state_dir_; }
    /// The CA that signed the aggregator's front-proxy client certificate (for
    /// `--requestheader-client-ca-file`); empty unless `local()`.
    [[nodiscard]] std::string front_proxy_ca() const;
    /// The folder with k8s-up.sh and its sibling scripts.
    [[nodiscard]] const std::string& scripts_dir() const { return scripts_dir_; }

    /// Runs a bash command line with KUBECONFIG, K8S_STATE and the four ports exported.
    CommandResult run(const std::string& command,
                      std::chrono::seconds timeout = std::chrono::seconds(120));
    /// `kubectl <args>` (args as shell words).
    CommandResult kubectl(const std::string& args,
                          std::chrono::seconds timeout = std::chrono::seconds(120));
    /// `kubectl <args>` until `accept` holds for its result or `timeout` has passed.
    PollResult kubectl_until(const std::string& args,
                             const std::function<bool(const CommandResult&)>& accept,
                             std::chrono::seconds timeout);
    /// Writes `text` to the file `name` in a folder of this control plane; returns its path.
    std::string file(const std::string& name, const std::string& text);
    /// Registers the APIService v1beta1.external.metrics.k8s.io for a server on 127.0.0.1:`port`
    /// (k8s-register-apiservice.sh: an ExternalName Service `localhost`), verifying its
    /// certificate with `ca_file` (none: TLS verification skipped); waits for Available=True.
    CommandResult register_apiservice(int port, const std::string& ca_file = "");
    /// Applies the IHPA CustomResourceDefinition of `manifests/crd/` and waits (up to 60 s) until
    /// it is Established; status 0 when it is, else the output of what failed.
    CommandResult apply_ihpa_crd();
    /// Stops what `k8s-up.sh` started and removes the state folder; nothing when nothing runs.
    void stop();

private:
    ControlPlane();
    void start();

    TempDir files_;
    std::string scripts_dir_;
    std::string state_dir_;
    std::string kubeconfig_;
    std::string environment_;
    std::string unavailable_;
    std::string failure_;
};

} // namespace ihpa::test
