#include "adapter/config/config_watcher.hpp"

#include "common/log.hpp"

namespace ihpa::adapter {

ConfigWatcher::ConfigWatcher(Adapter& adapter, std::string origin, Reader read,
                             FileResolver resolve, std::string applied_text)
    : adapter_(adapter), origin_(std::move(origin)), read_(std::move(read)),
      resolve_(std::move(resolve)), applied_text_(std::move(applied_text))
{
}

ConfigWatcher::Outcome ConfigWatcher::run_once()
{
    auto text = read_();
    if (!text) {
        if (rejected_text_ != "\x01unreadable") {
            IHPA_LOG(error, "config") << "reload: " << text.error()
                                      << "; the running configuration stays";
            rejected_text_ = "\x01unreadable";
        }
        return Outcome::Rejected;
    }
    if (*text == applied_text_) {
        rejected_text_.clear();
        return Outcome::Unchanged;
    }
    if (*text == rejected_text_) {
        return Outcome::Rejected;
    }
    const auto reject = [&](const std::vector<std::string>& problems) {
        for (const auto& problem : problems) {
            IHPA_LOG(error, "config") << "reload rejected: " << problem;
        }
        IHPA_LOG(error, "config") << "the running configuration stays";
        rejected_text_ = *text;
        return Outcome::Rejected;
    };
    auto config = parse_config(*text, origin_);
    if (!config) {
        return reject(config.error());
    }
    if (auto applied = adapter_.apply(*config, origin_, resolve_); !applied) {
        return reject({applied.error()});
    }
    IHPA_LOG(info, "config") << "reloaded " << origin_ << ": " << config->sources.size()
                             << " sources, " << config->metrics.size() << " metrics, "
                             << config->forecasts.size() << " forecasts, "
                             << config->external_rules.size() << " external rules";
    applied_text_ = std::move(*text);
    rejected_text_.clear();
    return Outcome::Applied;
}

} // namespace ihpa::adapter
