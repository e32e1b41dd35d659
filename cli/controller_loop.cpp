#include "cli/controller_loop.hpp"

#include "cli/duration_flag.hpp"

#include "adapter/source/kubernetes_metrics/kubernetes_metrics_source.hpp"
#include "common/file.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "controller/adapter_backend.hpp"
#include "controller/ihpa_controller.hpp"
#include "kube/client.hpp"
#include "kube/config.hpp"

#include <unistd.h>

#include <climits>

namespace ihpa::cli {
namespace {

constexpr const char* kServiceAccountNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

std::string default_identity()
{
    char host[HOST_NAME_MAX + 1] = {};
    ::gethostname(host, sizeof host - 1);
    return std::string(host) + "_" + std::to_string(::getpid());
}

} // namespace

struct ClusterRuntime::State {
    ControllerFlags flags;
    kube::ClusterConfig cluster;
    std::unique_ptr<kube::KubeClient> client;          ///< reconciles, informers
    std::unique_ptr<kube::KubeClient> election_client; ///< the Lease only
    std::chrono::seconds resync{30};
    std::chrono::milliseconds metrics_interval{30000};
    controller::ControllerOptions options;
    std::unique_ptr<controller::AdapterForecastBackend> backend;
    std::unique_ptr<controller::IhpaController> controller;
};

ClusterRuntime::ClusterRuntime(std::unique_ptr<State> state) : state_(std::move(state)) {}

ClusterRuntime::~ClusterRuntime()
{
    stop();
}

std::expected<std::unique_ptr<ClusterRuntime>, std::string> ClusterRuntime::connect(const ControllerFlags& flags)
{
    const kube::EnvLookup env = kube::process_environment();
    if (flags.kubeconfig.empty() && !env("KUBECONFIG") && !env("KUBERNETES_SERVICE_HOST")) {
        return nullptr;
    }
    auto state = std::make_unique<State>();
    state->flags = flags;
    auto cluster = kube::load_cluster_config(flags.kubeconfig, env);
    if (!cluster) {
        return std::unexpected(cluster.error());
    }
    state->cluster = std::move(*cluster);
    for (auto* client : {&state->client, &state->election_client}) {
        auto made = kube::make_kube_client(state->cluster);
        if (!made) {
            return std::unexpected(made.error());
        }
        *client = std::move(*made);
    }
    auto resync = duration_flag("--resync-period", flags.resync_period);
    auto interval = duration_flag("--resource-metrics-interval", flags.resource_metrics_interval);
    if (!resync || !interval) {
        return std::unexpected(!resync ? resync.error() : interval.error());
    }
    state->metrics_interval = *interval;
    auto& options = state->options;
    options.workers = flags.workers;
    options.resync_period = std::max(std::chrono::seconds(1),
                                     std::chrono::duration_cast<std::chrono::seconds>(*resync));
    options.identity = flags.identity.empty() ? default_identity() : flags.identity;
    if (flags.leader_elect) {
        kube::LeaderElectionOptions election;
        election.name = flags.leader_elect_lease_name;
        election.identity = options.identity;
        election.ns = flags.leader_elect_namespace;
        if (election.ns.empty()) {
            const auto own = common::read_file(kServiceAccountNamespace);
            election.ns = own ? common::trim(*own) : "default";
        }
        const std::pair<const char*, const std::string*> timings[] = {
            {"--leader-elect-lease-duration", &flags.leader_elect_lease_duration},
            {"--leader-elect-renew-deadline", &flags.leader_elect_renew_deadline},
            {"--leader-elect-retry-period", &flags.leader_elect_retry_period}};
        std::chrono::seconds* fields[] = {&election.lease_duration, &election.renew_deadline, &election.retry_period};
        for (std::size_t i = 0; i < 3; ++i) {
            auto value = duration_flag(timings[i].first, *timings[i].second);
            if (!value) {
                return std::unexpected(value.error());
            }
            *fields[i] = std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(*value));
        }
        if (!(election.retry_period < election.renew_deadline && election.renew_deadline < election.lease_duration)) {
            return std::unexpected("--leader-elect-retry-period < --leader-elect-renew-deadline < "
                                   "--leader-elect-lease-duration must hold");
        }
        options.leader_election = election;
    }
    IHPA_LOG(info, "cluster") << "API server " << state->cluster.server << " (" << state->cluster.origin << ")";
    return std::unique_ptr<ClusterRuntime>(new ClusterRuntime(std::move(state)));
}

const kube::ClusterConfig& ClusterRuntime::cluster() const { return state_->cluster; }

void ClusterRuntime::add_sources(adapter::AdapterOptions& options)
{
    adapter::SourceConfig source;
    source.name = "kubernetes-metrics";
    source.kind = controller::kKubernetesMetricsKind;
    source.interval = state_->metrics_interval;
    const kube::ClusterConfig cluster = state_->cluster;
    source.factory = [cluster](const adapter::SourceContext&)
        -> std::expected<std::shared_ptr<adapter::MetricSource>, std::string> {
        // The poller's own client: a slow metrics API never delays the controller's calls.
        auto made = kube::make_kube_client(cluster);
        if (!made) {
            return std::unexpected(made.error());
        }
        std::shared_ptr<kube::KubeClient> client = std::move(*made);
        return std::make_shared<adapter::kubernetes_metrics::KubernetesMetricsSource>(
            [client](const std::string& path) -> std::expected<std::string, std::string> {
                auto body = client->get_text(path);
                if (!body) {
                    return std::unexpected("GET " + path + ": " + body.error().describe());
                }
                return std::move(*body);
            });
    };
    options.implicit_sources.push_back(std::move(source));
}

void ClusterRuntime::start(adapter::Adapter& adapter)
{
    State& s = *state_;
    if (!s.flags.controller || s.controller) {
        return;
    }
    s.backend = std::make_unique<controller::AdapterForecastBackend>(adapter, s.flags.resource_metrics_source);
    s.controller = std::make_unique<controller::IhpaController>(
        *s.client, s.election_client.get(), *s.backend, s.options, kube::system_wall_clock(),
        [] { return std::chrono::steady_clock::now(); });
    s.controller->start();
    IHPA_LOG(info, "controller") << "started: " << s.options.workers << " workers, resync every "
                                 << s.options.resync_period.count() << "s, "
                                 << (s.options.leader_election
                                         ? "leader election on Lease " + s.options.leader_election->ns + "/" +
                                               s.options.leader_election->name + " as " + s.options.identity
                                         : std::string("no leader election (this process writes)"));
}

std::string ClusterRuntime::metrics() const
{
    return state_->controller ? state_->controller->render_metrics() : std::string();
}

void ClusterRuntime::stop()
{
    if (state_ && state_->controller) {
        state_->controller->stop();
    }
}

void add_controller_flags(CLI::App& serve, ControllerFlags& flags)
{
    serve.add_option("--kubeconfig", flags.kubeconfig,
                     "Kubeconfig of the cluster (else $KUBECONFIG, else in-cluster credentials); with "
                     "cluster credentials the controller loop runs")
        ->check(CLI::ExistingFile);
    serve.add_option("--controller", flags.controller,
                     "Reconcile IntelligentHorizontalPodAutoscalers into HPAs when there are cluster "
                     "credentials (false: serve only)")
        ->capture_default_str();
    serve.add_option("--leader-elect", flags.leader_elect,
                     "Only the holder of a Lease writes HPAs and IHPA status (every replica serves)")
        ->capture_default_str();
    serve.add_option("--leader-elect-namespace", flags.leader_elect_namespace,
                     "Namespace of the Lease (default: the pod's namespace in a cluster, else default)");
    serve.add_option("--leader-elect-lease-name", flags.leader_elect_lease_name, "Name of the Lease")
        ->capture_default_str();
    serve.add_option("--leader-elect-lease-duration", flags.leader_elect_lease_duration,
                     "A Lease not renewed for this long is taken over")
        ->capture_default_str();
    serve.add_option("--leader-elect-renew-deadline", flags.leader_elect_renew_deadline,
                     "A leader that could not renew for this long stops writing")
        ->capture_default_str();
    serve.add_option("--leader-elect-retry-period", flags.leader_elect_retry_period,
                     "Time between attempts to acquire or renew the Lease")
        ->capture_default_str();
    serve.add_option("--identity", flags.identity,
                     "This process in the Lease and in events (default: <hostname>_<pid>)");
    serve.add_option("--controller-workers", flags.workers, "IHPAs reconciled in parallel")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    serve.add_option("--resync-period", flags.resync_period, "Every IHPA is reconciled at least this often")
        ->capture_default_str();
    serve.add_option("--resource-metrics-source", flags.resource_metrics_source,
                     "Source that Resource metrics without an explicit source are read from "
                     "(a prometheus source of --config, or kubernetes-metrics); default: the "
                     "resource metrics API")
        ->capture_default_str();
    serve.add_option("--resource-metrics-interval", flags.resource_metrics_interval,
                     "How often the resource metrics API (metrics.k8s.io) is polled")
        ->capture_default_str();
}

} // namespace ihpa::cli
