#pragma once

#include "adapter/adapter.hpp"
#include "kube/config.hpp"

#include <CLI/CLI.hpp>

#include <expected>
#include <memory>
#include <optional>
#include <string>

namespace ihpa::cli {

/// The `ihpa serve` flags of the controller loop and of the cluster it talks to.
struct ControllerFlags {
    std::string kubeconfig;
    bool controller = true;
    bool leader_elect = true;
    std::string leader_elect_namespace;
    std::string leader_elect_lease_name = "ihpa-controller";
    std::string leader_elect_lease_duration = "15s";
    std::string leader_elect_renew_deadline = "10s";
    std::string leader_elect_retry_period = "2s";
    std::string identity;
    unsigned workers = 2;
    std::string resync_period = "30s";
    std::string resource_metrics_source;
    std::string resource_metrics_interval = "30s";
};

/// Adds the flags to `serve`.
void add_controller_flags(CLI::App& serve, ControllerFlags& flags);

/// The cluster side of `ihpa serve`: its API clients, the resource metrics source and the
/// controller loop.
class ClusterRuntime {
public:
    /// Connects with the credentials `flags` and the environment give (`--kubeconfig`, else
    /// `$KUBECONFIG`, else in-cluster); null when there are none, so `ihpa serve` runs without
    /// a cluster. Invalid credentials or flags are an error naming the flag or file.
    [[nodiscard]] static std::expected<std::unique_ptr<ClusterRuntime>, std::string>
    connect(const ControllerFlags& flags);
    ~ClusterRuntime();
    ClusterRuntime(const ClusterRuntime&) = delete;
    ClusterRuntime& operator=(const ClusterRuntime&) = delete;

    /// The API server and credentials in use.
    [[nodiscard]] const kube::ClusterConfig& cluster() const;
    /// Adds the resource metrics API (metrics.k8s.io) as the implicit source
    /// `kubernetes-metrics`, polled every `--resource-metrics-interval`.
    void add_sources(adapter::AdapterOptions& options);
    /// Starts the controller loop beside `adapter` (unless `--controller=false`).
    void start(adapter::Adapter& adapter);
    /// The `/metrics` text of the controller loop (empty when it does not run).
    [[nodiscard]] std::string metrics() const;
    /// Stops the controller loop, giving its Lease up, before the adapter stops.
    void stop();

private:
    struct State;
    explicit ClusterRuntime(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

} // namespace ihpa::cli
