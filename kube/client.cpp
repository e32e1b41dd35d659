#include "kube/client.hpp"

#include "net/url.hpp"

#include <thread>

namespace ihpa::kube {
namespace {

constexpr const char* kJson = "application/json";

const char* content_type_of(PatchType kind)
{
    return kind == PatchType::Merge ? "application/merge-patch+json" : "application/apply-patch+yaml";
}

void add_selectors(net::QueryParameters& query, const std::string& labels, const std::string& fields)
{
    if (!labels.empty()) {
        query.emplace_back("labelSelector", labels);
    }
    if (!fields.empty()) {
        query.emplace_back("fieldSelector", fields);
    }
}

std::expected<Json, KubeError> parse_body(const std::string& body)
{
    Json parsed = Json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
        return std::unexpected(KubeError{0, "InvalidResponse", "the answer is not JSON: " + body.substr(0, 200)});
    }
    return parsed;
}

std::string name_of(const Json& object)
{
    const auto metadata = object.find("metadata");
    return metadata != object.end() && metadata->is_object() ? metadata->value("name", "") : "";
}

} // namespace

KubeClient::KubeClient(std::string server, std::unique_ptr<net::HttpClient> requests,
                       std::function<std::expected<std::unique_ptr<net::HttpClient>, std::string>()> make_watch_client)
    : server_(std::move(server)), requests_(std::move(requests)), make_watch_client_(std::move(make_watch_client))
{
}

std::expected<std::string, KubeError> KubeClient::call_text(const std::string& method, const std::string& path,
                                                           const net::QueryParameters& query,
                                                           const std::string& body, const std::string& content_type)
{
    auto url = net::join_url(server_, path, query);
    if (!url) {
        return std::unexpected(transport_error(url.error()));
    }
    return send(method, path, *url, body, content_type);
}

std::expected<std::string, KubeError> KubeClient::send(const std::string& method, const std::string& path,
                                                      const std::string& url, const std::string& body,
                                                      const std::string& content_type)
{
    net::HttpRequest request{method, url, {{"Accept", kJson}}, body};
    if (!body.empty()) {
        request.headers.emplace_back("Content-Type", content_type);
    }
    auto response = requests_->send(request);
    if (!response) {
        return std::unexpected(transport_error(method + " " + path + ": " + response.error()));
    }
    if (response->status < 200 || response->status >= 300) {
        return std::unexpected(error_from_response(*response));
    }
    return std::move(response->body);
}

std::expected<Json, KubeError> KubeClient::call(const std::string& method, const std::string& path,
                                                const net::QueryParameters& query, const std::string& body,
                                                const std::string& content_type)
{
    auto text = call_text(method, path, query, body, content_type);
    if (!text) {
        return std::unexpected(std::move(text.error()));
    }
    return parse_body(*text);
}

std::expected<Json, KubeError> KubeClient::get(const ResourceType& type, const std::string& ns,
                                               const std::string& name, const std::string& subresource)
{
    return call("GET", resource_path(type, ns, name, subresource), {}, "", kJson);
}

std::expected<std::string, KubeError> KubeClient::get_text(const std::string& path_and_query)
{
    const auto mark = path_and_query.find('?');
    const std::string path = path_and_query.substr(0, mark);
    auto url = net::join_url(server_, path, {});
    if (!url) {
        return std::unexpected(transport_error(url.error()));
    }
    // The query string comes encoded: it is appended as it is.
    return send("GET", path, mark == std::string::npos ? *url : *url + path_and_query.substr(mark), "", kJson);
}

std::expected<Json, KubeError> KubeClient::list(const ResourceType& type, const std::string& ns,
                                                const ListOptions& options)
{
    net::QueryParameters query;
    add_selectors(query, options.label_selector, options.field_selector);
    if (options.limit > 0) {
        query.emplace_back("limit", std::to_string(options.limit));
    }
    if (!options.continue_token.empty()) {
        query.emplace_back("continue", options.continue_token);
    }
    if (!options.resource_version.empty()) {
        query.emplace_back("resourceVersion", options.resource_version);
    }
    return call("GET", resource_path(type, ns), query, "", kJson);
}

std::expected<Json, KubeError> KubeClient::list_all(const ResourceType& type, const std::string& ns,
                                                    ListOptions options)
{
    auto first = list(type, ns, options);
    if (!first) {
        return first;
    }
    Json all = std::move(*first);
    if (!all["items"].is_array()) {
        all["items"] = Json::array();
    }
    while (all.contains("metadata") && !all["metadata"].value("continue", "").empty()) {
        options.continue_token = all["metadata"]["continue"].get<std::string>();
        options.resource_version.clear(); // the continue token carries the snapshot
        auto page = list(type, ns, options);
        if (!page) {
            return page;
        }
        for (auto& item : (*page)["items"]) {
            all["items"].push_back(std::move(item));
        }
        all["metadata"]["continue"] = (*page)["metadata"].value("continue", "");
    }
    return all;
}

std::expected<Json, KubeError> KubeClient::create(const ResourceType& type, const std::string& ns,
                                                  const Json& object)
{
    return call("POST", resource_path(type, ns), {}, object.dump(), kJson);
}

std::expected<Json, KubeError> KubeClient::update(const ResourceType& type, const std::string& ns,
                                                  const Json& object, const std::string& subresource)
{
    const std::string name = name_of(object);
    if (name.empty()) {
        return std::unexpected(KubeError{0, "Invalid", "update needs metadata.name"});
    }
    return call("PUT", resource_path(type, ns, name, subresource), {}, object.dump(), kJson);
}

std::expected<Json, KubeError> KubeClient::patch(const ResourceType& type, const std::string& ns,
                                                 const std::string& name, PatchType kind, const Json& patch,
                                                 const PatchOptions& options, const std::string& subresource)
{
    net::QueryParameters query;
    if (!options.field_manager.empty()) {
        query.emplace_back("fieldManager", options.field_manager);
    } else if (kind == PatchType::Apply) {
        return std::unexpected(KubeError{0, "Invalid", "server-side apply needs a field manager"});
    }
    if (options.force) {
        query.emplace_back("force", "true");
    }
    return call("PATCH", resource_path(type, ns, name, subresource), query, patch.dump(), content_type_of(kind));
}

std::expected<Json, KubeError> KubeClient::remove(const ResourceType& type, const std::string& ns,
                                                  const std::string& name, const DeleteOptions& options)
{
    Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
    if (!options.propagation_policy.empty()) {
        body["propagationPolicy"] = options.propagation_policy;
    }
    if (!options.precondition_uid.empty()) {
        body["preconditions"]["uid"] = options.precondition_uid;
    }
    if (!options.precondition_resource_version.empty()) {
        body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
    }
    return call("DELETE", resource_path(type, ns, name), {}, body.dump(), kJson);
}

std::expected<WatchEnd, KubeError> KubeClient::watch(const ResourceType& type, const std::string& ns,
                                                     const WatchOptions& options, const WatchHandler& on_event)
{
    net::QueryParameters query{{"watch", "true"}};
    add_selectors(query, options.label_selector, options.field_selector);
    if (!options.resource_version.empty()) {
        query.emplace_back("resourceVersion", options.resource_version);
    }
    if (options.allow_bookmarks) {
        query.emplace_back("allowWatchBookmarks", "true");
    }
    if (options.timeout_seconds > 0) {
        query.emplace_back("timeoutSeconds", std::to_string(options.timeout_seconds));
    }
    const std::string path = resource_path(type, ns);
    auto url = net::join_url(server_, path, query);
    if (!url) {
        return std::unexpected(transport_error(url.error()));
    }
    auto client = make_watch_client_();
    if (!client) {
        return std::unexpected(transport_error(client.error()));
    }
    net::StreamOptions stream;
    stream.cancel = options.cancel;
    stream.idle_timeout = std::chrono::seconds(options.timeout_seconds > 0 ? options.timeout_seconds : 1800) +
                          watch_idle_margin_;
    std::optional<KubeError> bad_event;
    const auto on_line = [&](std::string_view line) {
        const Json event = Json::parse(line, nullptr, false);
        if (!event.is_object() || !event.contains("type") || !event["type"].is_string() ||
            !event.contains("object")) {
            bad_event = KubeError{0, "InvalidResponse", "not a watch event: " + std::string(line.substr(0, 200))};
            return false;
        }
        return on_event(WatchEvent{event["type"].get<std::string>(), event["object"]});
    };
    auto result = (*client)->stream({"GET", *url, {{"Accept", kJson}}, ""}, stream, on_line);
    if (!result) {
        return std::unexpected(transport_error("watch " + path + ": " + result.error()));
    }
    if (bad_event) {
        return std::unexpected(*bad_event);
    }
    if (result->response.status < 200 || result->response.status >= 300) {
        return std::unexpected(error_from_response(result->response));
    }
    switch (result->end) {
    case net::StreamEnd::Stopped:
        return WatchEnd::Stopped;
    case net::StreamEnd::Cancelled:
        return WatchEnd::Cancelled;
    case net::StreamEnd::Closed:
        break;
    }
    return WatchEnd::Closed;
}

std::expected<std::unique_ptr<KubeClient>, std::string> make_kube_client(const ClusterConfig& config,
                                                                         std::chrono::milliseconds timeout)
{
    net::HttpClientOptions base;
    base.timeout = timeout;
    const net::HttpClientOptions options = config.client_options(base);
    auto requests = net::make_http_client(options);
    if (!requests) {
        return std::unexpected(config.origin + ": " + requests.error());
    }
    if (auto url = net::parse_http_url(config.server); !url) {
        return std::unexpected(config.origin + ": server: " + url.error());
    }
    return std::make_unique<KubeClient>(config.server, std::move(*requests),
                                        [options] { return net::make_http_client(options); });
}

std::expected<Json, KubeError> update_with_retry(KubeClient& client, const ResourceType& type, const std::string& ns,
                                                 const std::string& name,
                                                 const std::function<bool(Json& object)>& mutate, Backoff& backoff,
                                                 const Sleeper& sleep, int attempts)
{
    KubeError last;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        if (attempt > 0) {
            sleep(backoff.next());
        }
        auto current = client.get(type, ns, name);
        if (!current) {
            return current;
        }
        if (!mutate(*current)) {
            return current;
        }
        auto updated = client.update(type, ns, *current);
        if (updated || !updated.error().conflict()) {
            return updated;
        }
        last = updated.error();
    }
    return std::unexpected(last);
}

Sleeper thread_sleeper()
{
    return [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
}

Sleeper cancellable_sleeper(std::shared_ptr<net::CancelToken> cancel)
{
    return [cancel = std::move(cancel)](std::chrono::milliseconds delay) { (void)cancel->wait_for(delay); };
}

} // namespace ihpa::kube
