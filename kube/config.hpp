#pragma once

#include "net/http_client.hpp"

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::kube {

/// Where and how to reach one API server, from a kubeconfig context or the pod's service
/// account. Paths are absolute (relative kubeconfig paths are resolved against its folder).
struct ClusterConfig {
    std::string server;     ///< https://host[:port], possibly with a path prefix
    net::TlsOptions tls;    ///< CA and client certificate, files or decoded *-data
    std::string token;      ///< static bearer token, or empty
    std::string token_file; ///< bearer token file, re-read when it changes, or empty
    std::string origin;     ///< "kubeconfig <file> context <name>" or "in-cluster", for messages

    /// The HTTP client options for this cluster (TLS, and a token supplier when a token or
    /// token file is set), with the other options taken from `base`.
    [[nodiscard]] net::HttpClientOptions client_options(net::HttpClientOptions base = {}) const;
};

/// The kubeconfig files to merge: `flag` when set, else the entries of `kubeconfig_env`
/// (`$KUBECONFIG`, joined with ':'; empty entries skipped), else `$HOME/.kube/config`.
[[nodiscard]] std::vector<std::string> kubeconfig_files(const std::string& flag,
                                                        const std::string& kubeconfig_env,
                                                        const std::string& home);

/// Loads `files` merged as kubectl merges them (for clusters, users and contexts the first
/// file naming an entry wins; the first current-context set wins; files that do not exist
/// are skipped unless it is the only one) and returns the cluster of `context` (empty: the
/// current context). Errors name the file and the missing or invalid key (with its line).
[[nodiscard]] std::expected<ClusterConfig, std::string>
load_kubeconfig(const std::vector<std::string>& files, const std::string& context = "");

/// Reads the environment variable `name`, or nullopt.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The in-cluster configuration: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`,
/// the token file and CA in `account_dir` (by default the service-account mount). Errors say
/// what is missing.
[[nodiscard]] std::expected<ClusterConfig, std::string>
in_cluster_config(const EnvLookup& env,
                  const std::string& account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

/// The configuration a component uses: the kubeconfig given by `kubeconfig_flag` or
/// `$KUBECONFIG` when set, else in-cluster when `$KUBERNETES_SERVICE_HOST` is set, else
/// `$HOME/.kube/config`.
[[nodiscard]] std::expected<ClusterConfig, std::string>
load_cluster_config(const std::string& kubeconfig_flag, const EnvLookup& env);

/// The process environment as an EnvLookup.
[[nodiscard]] EnvLookup process_environment();

} // namespace ihpa::kube
