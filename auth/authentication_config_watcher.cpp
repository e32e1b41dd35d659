#include "auth/authentication_config_watcher.hpp"

namespace ihpa::auth {

AuthenticationConfigWatcher::AuthenticationConfigWatcher(kube::KubeClient& client,
                                                         AuthenticationConfigHandlers handlers,
                                                         kube::RandomSource random, kube::Sleeper sleep)
    : handlers_(std::move(handlers)),
      informer_(client,
                kube::InformerOptions{.type = kube::config_maps(),
                                      .ns = kAuthenticationConfigNamespace,
                                      .field_selector = std::string("metadata.name=") + kAuthenticationConfigName},
                kube::InformerHandlers{
                    .on_add = [this](const kube::Json& object) { observe(object); },
                    .on_update = [this](const kube::Json&, const kube::Json& object) { observe(object); },
                    .on_delete =
                        [this](const kube::Json&) {
                            if (handlers_.on_problem) {
                                handlers_.on_problem(std::string(kAuthenticationConfigNamespace) + "/" +
                                                     kAuthenticationConfigName +
                                                     " was deleted; keeping the last configuration");
                            }
                        }},
                std::move(random), std::move(sleep))
{
}

std::expected<void, kube::KubeError>
AuthenticationConfigWatcher::run_once(const std::shared_ptr<net::CancelToken>& cancel)
{
    return informer_.run_once(cancel);
}

void AuthenticationConfigWatcher::run(const std::shared_ptr<net::CancelToken>& cancel) { informer_.run(cancel); }

std::optional<DelegatedAuthenticationConfig> AuthenticationConfigWatcher::current() const
{
    const std::lock_guard lock(mutex_);
    return current_;
}

void AuthenticationConfigWatcher::observe(const kube::Json& config_map)
{
    auto parsed = parse_authentication_config(config_map);
    if (!parsed) {
        if (handlers_.on_problem) {
            handlers_.on_problem(std::string(kAuthenticationConfigNamespace) + "/" + kAuthenticationConfigName +
                                 ": " + parsed.error());
        }
        return;
    }
    {
        const std::lock_guard lock(mutex_);
        if (current_ == *parsed) {
            return;
        }
        current_ = *parsed;
    }
    if (handlers_.on_config) {
        handlers_.on_config(*parsed);
    }
}

} // namespace ihpa::auth
