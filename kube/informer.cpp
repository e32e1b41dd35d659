#include "kube/informer.hpp"

#include <algorithm>

namespace ihpa::kube {
namespace {

std::string key_of(const Json& object)
{
    const Json& metadata = object["metadata"];
    return metadata.value("namespace", "") + "/" + metadata.value("name", "");
}

std::string rv_of(const Json& object)
{
    const auto metadata = object.find("metadata");
    return metadata != object.end() && metadata->is_object() ? metadata->value("resourceVersion", "") : "";
}

} // namespace

Informer::Informer(KubeClient& client, InformerOptions options, InformerHandlers handlers, RandomSource random,
                   Sleeper sleep)
    : client_(client), options_(std::move(options)), handlers_(std::move(handlers)),
      backoff_(options_.backoff, std::move(random)), sleep_(std::move(sleep))
{
}

std::expected<void, KubeError> Informer::run_once(const std::shared_ptr<net::CancelToken>& cancel)
{
    if (failed_) {
        sleep_(std::max(backoff_.next(), retry_after_));
    }
    auto step = needs_list_ ? relist() : watch(cancel);
    failed_ = !step.has_value();
    retry_after_ = step || !step.error().retry_after ? std::chrono::milliseconds::zero()
                                                      : std::chrono::milliseconds(*step.error().retry_after);
    if (step) {
        backoff_.reset();
    }
    return step;
}

void Informer::run(const std::shared_ptr<net::CancelToken>& cancel)
{
    while (!cancel->cancelled()) {
        (void)run_once(cancel);
    }
}

std::expected<void, KubeError> Informer::relist()
{
    auto list = client_.list_all(options_.type, options_.ns,
                                 {.label_selector = options_.label_selector,
                                  .field_selector = options_.field_selector,
                                  .limit = options_.list_page_size,
                                  .continue_token = {},
                                  .resource_version = {}});
    if (!list) {
        return std::unexpected(list.error());
    }
    std::map<std::string, Json> fresh;
    for (Json& item : (*list)["items"]) {
        fresh.emplace(key_of(item), std::move(item));
    }
    std::map<std::string, Json> old;
    {
        const std::lock_guard lock(mutex_);
        old.swap(cache_);
        cache_ = fresh;
        resource_version_ = rv_of(*list);
        synced_ = true;
    }
    for (const auto& [key, object] : old) {
        if (!fresh.contains(key) && handlers_.on_delete) {
            handlers_.on_delete(object);
        }
    }
    for (const auto& [key, object] : fresh) {
        const auto before = old.find(key);
        if (before == old.end()) {
            if (handlers_.on_add) {
                handlers_.on_add(object);
            }
        } else if (rv_of(before->second) != rv_of(object) && handlers_.on_update) {
            handlers_.on_update(before->second, object);
        }
    }
    needs_list_ = false;
    return {};
}

void Informer::apply(const std::string& type, const Json& object)
{
    const std::string key = key_of(object);
    std::optional<Json> old;
    {
        const std::lock_guard lock(mutex_);
        if (const auto found = cache_.find(key); found != cache_.end()) {
            old = std::move(found->second);
            cache_.erase(found);
        }
        if (type != "DELETED") {
            cache_[key] = object;
        }
        resource_version_ = rv_of(object);
    }
    if (type == "DELETED") {
        if (handlers_.on_delete) {
            handlers_.on_delete(old.value_or(object));
        }
    } else if (old) {
        if (handlers_.on_update) {
            handlers_.on_update(*old, object);
        }
    } else if (handlers_.on_add) {
        handlers_.on_add(object);
    }
}

std::expected<void, KubeError> Informer::watch(const std::shared_ptr<net::CancelToken>& cancel)
{
    std::optional<KubeError> error_event;
    auto ended = client_.watch(options_.type, options_.ns,
                               {.label_selector = options_.label_selector,
                                .field_selector = options_.field_selector,
                                .resource_version = resource_version(),
                                .allow_bookmarks = true,
                                .timeout_seconds = options_.watch_timeout_seconds,
                                .cancel = cancel},
                               [&](const WatchEvent& event) {
                                   if (event.type == "ADDED" || event.type == "MODIFIED" ||
                                       event.type == "DELETED") {
                                       apply(event.type, event.object);
                                   } else if (event.type == "BOOKMARK") {
                                       const std::lock_guard lock(mutex_);
                                       resource_version_ = rv_of(event.object);
                                   } else if (event.type == "ERROR") {
                                       error_event = KubeError{event.object.value("code", 0),
                                                               event.object.value("reason", "Unknown"),
                                                               event.object.value("message", "")};
                                       return false;
                                   }
                                   return true;
                               });
    const KubeError* failure = !ended ? &ended.error() : error_event ? &*error_event : nullptr;
    if (failure == nullptr) {
        return {};
    }
    if (failure->gone()) {
        // The resourceVersion left the server's window: list again, right away.
        needs_list_ = true;
        return {};
    }
    return std::unexpected(*failure);
}

bool Informer::synced() const
{
    const std::lock_guard lock(mutex_);
    return synced_;
}

std::string Informer::resource_version() const
{
    const std::lock_guard lock(mutex_);
    return resource_version_;
}

std::optional<Json> Informer::find(const std::string& ns, const std::string& name) const
{
    const std::lock_guard lock(mutex_);
    const auto found = cache_.find(ns + "/" + name);
    return found == cache_.end() ? std::nullopt : std::optional<Json>(found->second);
}

std::vector<Json> Informer::items() const
{
    const std::lock_guard lock(mutex_);
    std::vector<Json> out;
    for (const auto& [key, object] : cache_) {
        out.push_back(object);
    }
    return out;
}

} // namespace ihpa::kube
