#include "test/support/control_plane.hpp"

#include "test/support/free_port.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace ihpa::test {
namespace {

using namespace std::chrono_literals;

/// `text` as one bash word.
std::string shell_quoted(const std::string& text)
{
    std::string quoted = "'";
    for (const char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

CommandResult run_bash(const std::string& command, std::chrono::seconds timeout)
{
    ChildProcess process({"bash", "-c", command});
    const auto status = process.wait_exit(timeout);
    return {status.value_or(-1), process.output()};
}

} // namespace

PollResult poll_until(const std::function<CommandResult()>& probe,
                      const std::function<bool(const CommandResult&)>& accept,
                      std::chrono::seconds timeout, std::chrono::milliseconds interval)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    PollResult result;
    while (true) {
        result.last = probe();
        result.met = accept(result.last);
        if (result.met || std::chrono::steady_clock::now() + interval > deadline) {
            return result;
        }
        std::this_thread::sleep_for(interval);
    }
}

ControlPlane& ControlPlane::shared()
{
    static ControlPlane plane;
    return plane;
}

ControlPlane::ControlPlane()
{
    if (const char* given = std::getenv("IHPA_E2E_KUBECONFIG")) {
        kubeconfig_ = given;
        environment_ = "export KUBECONFIG=" + shell_quoted(kubeconfig_) + "; ";
        return;
    }
    const char* dir = std::getenv("IHPA_K8S_DIR");
    scripts_dir_ = dir != nullptr ? dir : std::string(IHPA_SOURCE_DIR) + "/../shared/k8s";
    if (!std::filesystem::exists(scripts_dir_ + "/k8s-up.sh")) {
        unavailable_ = "no control plane scripts in " + scripts_dir_ +
                       " (set IHPA_K8S_DIR to a folder with k8s-up.sh, or IHPA_E2E_KUBECONFIG to a "
                       "cluster's kubeconfig)";
        return;
    }
    for (const char* program : {"etcd", "kubectl", "openssl", "xz", "curl"}) {
        if (!have_program(program)) {
            unavailable_ = std::string(program) + " is not installed (the control plane of " +
                           scripts_dir_ + " needs etcd, kubectl, openssl, xz and curl)";
            return;
        }
    }
    start();
}

void ControlPlane::start()
{
    state_dir_ = files_.path() + "/state";
    kubeconfig_ = state_dir_ + "/admin.kubeconfig";
    environment_ = "export K8S_STATE=" + shell_quoted(state_dir_) +
                   " KUBECONFIG=" + shell_quoted(kubeconfig_);
    for (const char* port : {"K8S_API_PORT", "ETCD_CLIENT_PORT", "ETCD_PEER_PORT", "K8S_KCM_PORT"}) {
        environment_ += std::string(" ") + port + "=" + std::to_string(free_loopback_port());
    }
    environment_ += "; ";
    const CommandResult up = run(shell_quoted(scripts_dir_ + "/k8s-up.sh"), 240s);
    if (up.status != 0) {
        failure_ = "k8s-up.sh failed (exit " + std::to_string(up.status) + "):\n" + up.output;
        stop(); // whatever did start
    }
}

ControlPlane::~ControlPlane()
{
    stop();
}

void ControlPlane::stop()
{
    if (local() && std::filesystem::exists(state_dir_)) {
        run(shell_quoted(scripts_dir_ + "/k8s-down.sh") + " --purge", 120s);
    }
}

std::string ControlPlane::front_proxy_ca() const
{
    return local() ? state_dir_ + "/pki/front-proxy-ca.crt" : std::string();
}

CommandResult ControlPlane::run(const std::string& command, std::chrono::seconds timeout)
{
    return run_bash(environment_ + command, timeout);
}

CommandResult ControlPlane::kubectl(const std::string& args, std::chrono::seconds timeout)
{
    return run("kubectl " + args, timeout);
}

PollResult ControlPlane::kubectl_until(const std::string& args,
                                       const std::function<bool(const CommandResult&)>& accept,
                                       std::chrono::seconds timeout)
{
    return poll_until([&] { return kubectl(args, 30s); }, accept, timeout);
}

std::string ControlPlane::file(const std::string& name, const std::string& text)
{
    const std::string path = files_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

CommandResult ControlPlane::register_apiservice(int port, const std::string& ca_file)
{
    std::string command = shell_quoted(scripts_dir_ + "/k8s-register-apiservice.sh") + " " +
                          std::to_string(port);
    if (!ca_file.empty()) {
        command += " " + shell_quoted(ca_file);
    }
    return run(command, 120s);
}

CommandResult ControlPlane::apply_ihpa_crd()
{
    const CommandResult applied =
        kubectl("apply -f " + shell_quoted(std::string(IHPA_SOURCE_DIR) +
                                           "/manifests/crd/ihpa.dev_intelligenthorizontalpodautoscalers.yaml"));
    if (applied.status != 0) {
        return applied;
    }
    // (kubectl wait fails on a CRD whose status the apiserver has not written yet)
    const PollResult established = kubectl_until(
        "get crd intelligenthorizontalpodautoscalers.ihpa.dev -o "
        "jsonpath='{.status.conditions[?(@.type==\"Established\")].status}'",
        [](const CommandResult& r) { return r.output == "True"; }, 60s);
    if (!established.met) {
        return {1, "the CRD was not established within 60 s:\n" + applied.output + established.last.output};
    }
    return {0, applied.output};
}

} // namespace ihpa::test
