#include "cli/serve_authentication.hpp"

#include "cli/duration_flag.hpp"

#include "apiserver/certificate_bundle.hpp"
#include "auth/authentication_config_watcher.hpp"
#include "auth/subject_access_review_authorizer.hpp"
#include "auth/token_review_authenticator.hpp"
#include "common/log.hpp"
#include "kube/backoff.hpp"
#include "kube/client.hpp"
#include "net/cancel_token.hpp"

#include <atomic>
#include <thread>

namespace ihpa::cli {
namespace {

constexpr const char* kConfigMap = "ConfigMap kube-system/extension-apiserver-authentication";

std::string describe(const apiserver::AuthenticationSettings& s)
{
    std::string text = "request-header ";
    text += s.request_header.enabled ? "on (CA " + s.request_header_ca->origin() + ")" : "off";
    text += ", client certificates ";
    text += s.client_certificates ? "on (CA " + s.client_ca->origin() + ")" : "off";
    return text;
}

} // namespace

struct ServeAuthentication::State {
    apiserver::AuthenticationSettings from_flags;
    apiserver::AuthenticationState state;
    apiserver::AlwaysAllowAuthorizer always_allow;
    std::unique_ptr<kube::KubeClient> review_client;
    std::unique_ptr<kube::KubeClient> token_client;
    std::unique_ptr<kube::KubeClient> watch_client;
    std::unique_ptr<auth::SubjectAccessReviewAuthorizer> authorizer;
    std::unique_ptr<auth::TokenReviewAuthenticator> tokens;
    std::shared_ptr<net::CancelToken> cancel = std::make_shared<net::CancelToken>();
    std::unique_ptr<auth::AuthenticationConfigWatcher> watcher;
    std::atomic<std::size_t> updates{0};
    std::atomic<std::size_t> problems{0};
    std::jthread thread;

    void on_config(const auth::DelegatedAuthenticationConfig& config)
    {
        auto settings = auth::complete_from_cluster(from_flags, config);
        if (!settings) {
            on_problem(settings.error());
            return;
        }
        IHPA_LOG(info, "auth") << "authentication from " << kConfigMap << " and flags: " << describe(*settings);
        state.update(std::move(*settings));
        ++updates;
    }

    void on_problem(const std::string& problem)
    {
        ++problems;
        IHPA_LOG(warn, "auth") << kConfigMap << ": " << problem << "; the authentication in force stays";
    }
};

ServeAuthentication::ServeAuthentication(std::unique_ptr<State> state) : state_(std::move(state)) {}

ServeAuthentication::~ServeAuthentication() { stop(); }

std::expected<std::unique_ptr<ServeAuthentication>, std::string>
ServeAuthentication::create(const AuthenticationFlags& flags, const apiserver::ServerOptions& server,
                            const kube::ClusterConfig* cluster)
{
    auto state = std::make_unique<State>();
    State& s = *state;
    if (!server.requestheader_client_ca_file.empty()) {
        auto ca = apiserver::CertificateBundle::load(server.requestheader_client_ca_file,
                                                     "--requestheader-client-ca-file");
        if (!ca) {
            return std::unexpected(ca.error());
        }
        s.from_flags.request_header_ca = std::move(*ca);
        s.from_flags.request_header = apiserver::request_header_config(
            server.requestheader_allowed_names, flags.username_headers, flags.group_headers,
            flags.extra_headers_prefix, flags.uid_headers);
    } else if (!flags.username_headers.empty() || !flags.group_headers.empty() ||
               !flags.extra_headers_prefix.empty() || !flags.uid_headers.empty()) {
        return std::unexpected("--requestheader-username-headers, --requestheader-group-headers, "
                               "--requestheader-extra-headers-prefix and --requestheader-uid-headers "
                               "need --requestheader-client-ca-file");
    }
    if (!flags.client_ca_file.empty()) {
        auto ca = apiserver::CertificateBundle::load(flags.client_ca_file, "--client-ca-file");
        if (!ca) {
            return std::unexpected(ca.error());
        }
        s.from_flags.client_ca = std::move(*ca);
        s.from_flags.client_certificates = true;
    }
    s.state.update(s.from_flags);
    if (cluster == nullptr) {
        return std::unique_ptr<ServeAuthentication>(new ServeAuthentication(std::move(state)));
    }

    auto token_ttl = duration_flag("--authentication-token-webhook-cache-ttl", flags.token_cache_ttl, true);
    auto allowed_ttl = duration_flag("--authorization-webhook-cache-authorized-ttl", flags.authorized_ttl, true);
    auto denied_ttl = duration_flag("--authorization-webhook-cache-unauthorized-ttl", flags.unauthorized_ttl, true);
    for (const auto* ttl : {&token_ttl, &allowed_ttl, &denied_ttl}) {
        if (!*ttl) {
            return std::unexpected(ttl->error());
        }
    }
    for (auto* client : {&s.review_client, &s.token_client, &s.watch_client}) {
        auto made = kube::make_kube_client(*cluster);
        if (!made) {
            return std::unexpected(made.error());
        }
        *client = std::move(*made);
    }
    auth::SubjectAccessReviewOptions review;
    review.allowed_ttl = *allowed_ttl;
    review.denied_ttl = *denied_ttl;
    review.always_allow_paths = flags.always_allow_paths;
    s.authorizer = std::make_unique<auth::SubjectAccessReviewAuthorizer>(*s.review_client, std::move(review));
    auth::TokenReviewOptions token;
    token.cache_ttl = *token_ttl;
    s.tokens = std::make_unique<auth::TokenReviewAuthenticator>(*s.token_client, std::move(token));

    if (!flags.skip_lookup && !(s.from_flags.request_header.enabled && s.from_flags.client_certificates)) {
        State* raw = &s;
        s.watcher = std::make_unique<auth::AuthenticationConfigWatcher>(
            *s.watch_client,
            auth::AuthenticationConfigHandlers{
                .on_config = [raw](const auth::DelegatedAuthenticationConfig& config) { raw->on_config(config); },
                .on_problem = [raw](const std::string& problem) { raw->on_problem(problem); }},
            kube::system_random(), kube::cancellable_sleeper(s.cancel));
        // The first list decides what start-up serves with: an invalid ConfigMap or one that
        // cannot be read is an error (as k8s.io/apiserver), unless tolerated.
        const std::size_t problems_before = s.problems;
        auto listed = s.watcher->run_once(s.cancel);
        std::string failure;
        if (!listed) {
            failure = "unable to read " + std::string(kConfigMap) + ": " + listed.error().describe();
        } else if (s.problems != problems_before) {
            failure = std::string(kConfigMap) + " is invalid (see the warning above)";
        }
        if (!failure.empty()) {
            if (!flags.tolerate_lookup_failure) {
                return std::unexpected(failure + "; grant the Role extension-apiserver-authentication-reader, "
                                                  "or pass --authentication-tolerate-lookup-failure or "
                                                  "--authentication-skip-lookup");
            }
            IHPA_LOG(warn, "auth") << failure << "; serving with the flags' authentication until it can be read";
        } else if (!s.watcher->current()) {
            IHPA_LOG(info, "auth") << kConfigMap << " does not exist: authentication from flags and tokens only";
        }
    }
    const auto current = s.state.current();
    IHPA_LOG(info, "auth") << "authentication: " << describe(*current)
                           << ", bearer tokens by TokenReview; authorization by SubjectAccessReview";
    return std::unique_ptr<ServeAuthentication>(new ServeAuthentication(std::move(state)));
}

const apiserver::AuthenticationState& ServeAuthentication::state() const { return state_->state; }

const apiserver::Authorizer& ServeAuthentication::authorizer() const
{
    if (state_->authorizer) {
        return *state_->authorizer;
    }
    return state_->always_allow;
}

const apiserver::TokenAuthenticator* ServeAuthentication::tokens() const { return state_->tokens.get(); }

void ServeAuthentication::start()
{
    State& s = *state_;
    if (s.watcher && !s.thread.joinable()) {
        s.thread = std::jthread([&s] { s.watcher->run(s.cancel); });
    }
}

void ServeAuthentication::stop()
{
    if (!state_) {
        return;
    }
    state_->cancel->cancel();
    if (state_->thread.joinable()) {
        state_->thread.join();
    }
}

std::string ServeAuthentication::metrics() const
{
    const State& s = *state_;
    std::string text;
    const auto family = [&text](const char* name, const char* help, std::size_t value) {
        text += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " counter\n" + name + ' ' +
                std::to_string(value) + '\n';
    };
    if (s.authorizer) {
        family("ihpa_authorization_reviews_total", "SubjectAccessReviews sent to the cluster (cache misses).",
               s.authorizer->reviews_sent());
    }
    if (s.tokens) {
        family("ihpa_authentication_token_reviews_total", "TokenReviews sent to the cluster (cache misses).",
               s.tokens->reviews_sent());
    }
    if (s.watcher) {
        family("ihpa_authentication_config_updates_total",
               "Authentication settings taken from the extension-apiserver-authentication ConfigMap.", s.updates);
        family("ihpa_authentication_config_problems_total",
               "Invalid, unreadable or deleted extension-apiserver-authentication ConfigMaps seen.", s.problems);
    }
    return text;
}

void add_authentication_flags(CLI::App& serve, AuthenticationFlags& flags)
{
    serve.add_option("--client-ca-file", flags.client_ca_file,
                     "CA of direct clients' certificates: a client with a certificate it signed is the user "
                     "of its CN in the groups of its O values (in a cluster, default: the "
                     "extension-apiserver-authentication ConfigMap's client-ca-file)")
        ->check(CLI::ExistingFile);
    serve.add_option("--requestheader-username-headers", flags.username_headers,
                     "Headers naming the user (comma separated; default X-Remote-User)")
        ->delimiter(',');
    serve.add_option("--requestheader-group-headers", flags.group_headers,
                     "Headers naming the groups (comma separated; default X-Remote-Group)")
        ->delimiter(',');
    serve.add_option("--requestheader-extra-headers-prefix", flags.extra_headers_prefix,
                     "Header prefixes of user extras (comma separated; default X-Remote-Extra-)")
        ->delimiter(',');
    serve.add_option("--requestheader-uid-headers", flags.uid_headers,
                     "Headers naming the user's UID (comma separated; default none, X-Remote-Uid is usual)")
        ->delimiter(',');
    serve.add_flag("--authentication-skip-lookup", flags.skip_lookup,
                   "Do not read the extension-apiserver-authentication ConfigMap: the flags alone configure "
                   "request-header and client-certificate authentication");
    serve.add_flag("--authentication-tolerate-lookup-failure", flags.tolerate_lookup_failure,
                   "Start even when the extension-apiserver-authentication ConfigMap cannot be read");
    serve.add_option("--authentication-token-webhook-cache-ttl", flags.token_cache_ttl,
                     "How long TokenReview answers are cached")
        ->capture_default_str();
    serve.add_option("--authorization-webhook-cache-authorized-ttl", flags.authorized_ttl,
                     "How long SubjectAccessReview allows are cached")
        ->capture_default_str();
    serve.add_option("--authorization-webhook-cache-unauthorized-ttl", flags.unauthorized_ttl,
                     "How long SubjectAccessReview denials are cached")
        ->capture_default_str();
    serve.add_option("--authorization-always-allow-paths", flags.always_allow_paths,
                     "Paths everyone may read without a review (comma separated; a trailing * matches a prefix)")
        ->delimiter(',')
        ->capture_default_str();
}

} // namespace ihpa::cli
