// `ihpa serve`: options → configuration → sources → provider → router → HTTPS server.
#include "adapter/adapter.hpp"
#include "adapter/config/config_watcher.hpp"
#include "adapter/config/config.hpp"
#include "common/file.hpp"
#include "common/log.hpp"
#include "apiserver/router.hpp"
#include "apiserver/server.hpp"
#include "cli/build_info.hpp"
#include "cli/command.hpp"
#include "cli/controller_loop.hpp"
#include "cli/duration_flag.hpp"
#include "cli/embedded_files.hpp"
#include "cli/serve_authentication.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

namespace ihpa::cli {
namespace {

struct ServeFlags {
    apiserver::ServerOptions server;
    std::string config_file;
    std::string state_dir;
    int snapshot_interval_seconds = 300;
    unsigned fit_workers = 0;
    int verbosity = 0;
    std::string request_timeout = "30s"; ///< --request-timeout, into server.request_timeout
    ControllerFlags cluster;
    AuthenticationFlags authentication;
};

/// The configuration text, a name for messages, and how to read the files it names.
struct ConfigInput {
    std::string text;
    std::string origin;
    adapter::FileResolver resolve;
};

std::expected<ConfigInput, std::string> config_input(const std::string& config_file)
{
    if (config_file.empty()) {
        const auto text = embedded_file("demo.yaml");
        return ConfigInput{std::string(*text), "examples/demo.yaml (built in)",
                           [](const std::string& name) -> std::expected<std::string, std::string> {
                               if (auto file = embedded_file(name)) {
                                   return std::string(*file);
                               }
                               return std::unexpected("no built-in file " + name);
                           }};
    }
    auto text = common::read_file(config_file);
    if (!text) {
        return std::unexpected("--config: " + text.error());
    }
    const auto dir = std::filesystem::path(config_file).parent_path();
    return ConfigInput{std::move(*text), config_file,
                       [dir](const std::string& name) { return common::read_file(dir / name); }};
}

int run_serve(const ServeFlags& flags)
{
    // A peer that disconnects mid-write must cost an error code, not the process.
    std::signal(SIGPIPE, SIG_IGN);
    log::set_verbosity(flags.verbosity);
    apiserver::ServerOptions server_options = flags.server;
    const auto request_timeout = duration_flag("--request-timeout", flags.request_timeout);
    if (!request_timeout) {
        std::cerr << "ihpa serve: " << request_timeout.error() << '\n';
        return 1;
    }
    server_options.request_timeout = *request_timeout;
    if (const auto errors = server_options.validate(); !errors.empty()) {
        for (const auto& error : errors) {
            std::cerr << "ihpa serve: " << error << '\n';
        }
        return 1;
    }
    auto input = config_input(flags.config_file);
    if (!input) {
        IHPA_LOG(error, "serve") << "unable to load the configuration: " << input.error();
        return 1;
    }
    auto config = adapter::parse_config(input->text, input->origin);
    if (!config) {
        for (const auto& problem : config.error()) {
            IHPA_LOG(error, "serve") << "invalid configuration: " << problem;
        }
        return 1;
    }
    auto cluster = ClusterRuntime::connect(flags.cluster);
    if (!cluster) {
        IHPA_LOG(error, "serve") << "unable to use the cluster: " << cluster.error();
        return 1;
    }
    const adapter::SystemClock clock;
    adapter::AdapterOptions options;
    if (*cluster) {
        (*cluster)->add_sources(options);
    }
    options.state_dir = flags.state_dir;
    options.snapshot_interval = std::chrono::seconds(flags.snapshot_interval_seconds);
    options.fit_workers =
        flags.fit_workers > 0 ? flags.fit_workers : std::max(1U, std::thread::hardware_concurrency());
    options.seed = std::random_device{}();
    adapter::Adapter adapter(clock, options);
    if (auto loaded = adapter.load_snapshot(); !loaded) {
        IHPA_LOG(error, "serve") << loaded.error() << "; starting with an empty history";
    } else if (loaded->series > 0) {
        IHPA_LOG(info, "serve") << "history snapshot loaded: " << loaded->series << " series, "
                                << loaded->points << " points";
    }
    if (auto replayed = adapter.replay_log(); !replayed) {
        IHPA_LOG(error, "serve") << "unable to open the history log: " << replayed.error();
        return 1;
    }
    if (auto applied = adapter.apply(*config, input->origin, input->resolve); !applied) {
        IHPA_LOG(error, "serve") << "unable to build the metric sources: " << applied.error();
        return 1;
    }
    IHPA_LOG(info, "serve") << "configuration " << input->origin << ": "
                            << config->sources.size() << " sources, " << config->metrics.size()
                            << " metrics, " << config->forecasts.size() << " forecasts";
    adapter.start();
    std::unique_ptr<adapter::ConfigWatcher> watcher;
    std::unique_ptr<adapter::BackgroundLoop> reload_loop;
    if (!flags.config_file.empty()) {
        watcher = std::make_unique<adapter::ConfigWatcher>(
            adapter, input->origin, [path = flags.config_file] { return common::read_file(path); },
            input->resolve, input->text);
        reload_loop = std::make_unique<adapter::BackgroundLoop>(clock, [&watcher](auto now) {
            watcher->run_once();
            return now + std::chrono::seconds(2);
        });
    }

    auto authentication = ServeAuthentication::create(flags.authentication, server_options,
                                                      *cluster ? &(*cluster)->cluster() : nullptr);
    if (!authentication) {
        IHPA_LOG(error, "serve") << "unable to set up authentication: " << authentication.error();
        return 1;
    }
    ServeAuthentication& auth = **authentication;
    apiserver::RouterConfig router_config;
    router_config.authentication = &auth.state();
    router_config.tokens = auth.tokens();
    router_config.version = {"v" + std::string(kVersion), std::string(kGitCommit),
                             std::string(kBuildDate)};
    if (!*cluster && server_options.requestheader_client_ca_file.empty() &&
        flags.authentication.client_ca_file.empty()) {
        IHPA_LOG(warn, "serve") << "no cluster credentials, --requestheader-client-ca-file or --client-ca-file: "
                                   "requests are NOT authenticated and are served anonymously";
    } else if (!*cluster) {
        IHPA_LOG(warn, "serve") << "no cluster credentials: every authenticated caller may read every metric "
                                   "(no SubjectAccessReview)";
    }
    apiserver::ServerMetrics metrics;
    router_config.extra_metrics = [&adapter, &cluster, &auth] {
        return adapter.render_metrics() + (*cluster ? (*cluster)->metrics() : std::string()) + auth.metrics();
    };
    router_config.readiness = [&adapter] { return adapter.readiness(); };
    router_config.debug_view = &adapter.debug_view();
    const apiserver::Router router(adapter.provider(), auth.authorizer(), metrics,
                                   std::move(router_config));
    apiserver::Server server(server_options, router, metrics);
    if (auto started = server.start(); !started) {
        IHPA_LOG(error, "serve") << "unable to start the server: " << started.error();
        return 1;
    }
    if (*cluster) {
        (*cluster)->start(adapter);
    }
    auth.start();
    server.run();
    auth.stop();
    if (*cluster) {
        (*cluster)->stop();
    }
    reload_loop.reset();
    adapter.stop();
    return 0;
}

} // namespace

void add_serve_command(CLI::App& app, CommandAction& action)
{
    auto flags = std::make_shared<ServeFlags>();
    auto* cmd = app.add_subcommand(
        "serve", "Serve external.metrics.k8s.io/v1beta1 over HTTPS (the embedded demo without "
                 "--config)");
    apiserver::ServerOptions& s = flags->server;
    cmd->add_option("--bind-address", s.bind_address, "IP address to listen on")
        ->capture_default_str();
    cmd->add_option("--secure-port", s.secure_port, "HTTPS port; 0 picks a free one")
        ->capture_default_str();
    cmd->add_option("--tls-cert-file", s.tls_cert_file,
                    "PEM serving certificate (chain); without it a self-signed one is generated");
    cmd->add_option("--tls-private-key-file", s.tls_private_key_file,
                    "PEM private key of --tls-cert-file");
    cmd->add_option("--requestheader-client-ca-file", s.requestheader_client_ca_file,
                    "CA that signs the aggregator's front-proxy client certificate; enables "
                    "request-header authentication");
    cmd->add_option("--requestheader-allowed-names", s.requestheader_allowed_names,
                    "Client certificate common names allowed to pass X-Remote-* headers (comma "
                    "separated); empty = any signed by the CA")
        ->delimiter(',');
    cmd->add_option("--threads", s.threads, "I/O threads; 0 = one per core")->capture_default_str();
    cmd->add_option("--max-connections", s.max_connections,
                    "Open connections above this are closed at once")
        ->capture_default_str();
    cmd->add_option("--max-requests-inflight", s.max_requests_inflight,
                    "Requests in flight above this get 429")
        ->capture_default_str();
    cmd->add_option("--request-timeout", flags->request_timeout,
                    "A request must arrive in full, from its first byte, and its answer be "
                    "written within this; else the connection is closed")
        ->capture_default_str();
    cmd->add_option("--config", flags->config_file,
                    "Adapter configuration YAML (sources and metrics); default: the built-in demo")
        ->check(CLI::ExistingFile);
    cmd->add_option("--state-dir", flags->state_dir,
                    "Directory for the history: a write-ahead log of every poll round (made durable "
                    "before the points count as stored) and snapshots (every --snapshot-interval and "
                    "at shutdown); start-up loads the snapshot and replays the log; empty: history is "
                    "not persisted")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--snapshot-interval", flags->snapshot_interval_seconds,
                    "Seconds between history snapshots")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    cmd->add_option("--fit-workers", flags->fit_workers,
                    "Threads fitting forecasting models; 0 = one per core")
        ->capture_default_str();
    cmd->add_option("-v,--v", flags->verbosity, "Log verbosity (2 = access log)")
        ->capture_default_str();
    add_controller_flags(*cmd, flags->cluster);
    add_authentication_flags(*cmd, flags->authentication);
    cmd->callback([flags, &action] { action = [flags] { return run_serve(*flags); }; });
}

} // namespace ihpa::cli
