#pragma once

#include "auth/authentication_config.hpp"
#include "kube/informer.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ihpa::auth {

/// Callbacks of an AuthenticationConfigWatcher, called on the thread that runs it.
struct AuthenticationConfigHandlers {
    /// A valid configuration different from the last one reported (the first one included).
    std::function<void(const DelegatedAuthenticationConfig& config)> on_config{};
    /// The ConfigMap changed to something invalid (the message names the key), or was deleted;
    /// the last valid configuration stays in force.
    std::function<void(const std::string& problem)> on_problem{};
};

/// Watches `kube-system/extension-apiserver-authentication` (an informer with field selector
/// `metadata.name=extension-apiserver-authentication`; needs `get`/`list`/`watch` on it, e.g.
/// Role `extension-apiserver-authentication-reader`) and reports each new valid configuration.
/// Driven like the informer: run_once() steps, or run() until cancelled.
class AuthenticationConfigWatcher {
public:
    /// Watches through `client` (which must outlive this object); `random` and `sleep` drive the
    /// informer's backoff.
    AuthenticationConfigWatcher(kube::KubeClient& client, AuthenticationConfigHandlers handlers,
                                kube::RandomSource random, kube::Sleeper sleep);

    /// One informer step (a list, or a watch until it ends); its failure, if any.
    std::expected<void, kube::KubeError> run_once(const std::shared_ptr<net::CancelToken>& cancel = nullptr);
    /// Steps until `cancel` is cancelled; failures are retried with backoff.
    void run(const std::shared_ptr<net::CancelToken>& cancel);

    /// The last valid configuration seen, or nullopt before the first.
    [[nodiscard]] std::optional<DelegatedAuthenticationConfig> current() const;

private:
    void observe(const kube::Json& config_map);

    AuthenticationConfigHandlers handlers_;
    mutable std::mutex mutex_; ///< guards current_
    std::optional<DelegatedAuthenticationConfig> current_;
    kube::Informer informer_; ///< last: its callbacks use the members above
};

} // namespace ihpa::auth
