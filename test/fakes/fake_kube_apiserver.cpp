#include "test/fakes/fake_kube_apiserver.hpp"

#include "test/fakes/gate.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <sstream>

namespace ihpa::test {
namespace {

using nlohmann::json;

json status(int code, const std::string& reason, const std::string& message)
{
    return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
            {"message", message}, {"reason", reason},   {"code", code}};
}

std::vector<std::string> split(const std::string& text, char separator)
{
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, separator);) {
        if (!part.empty()) {
            out.push_back(part);
        }
    }
    return out;
}

/// True when `labels` match `selector` (terms `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-joined).
bool matches_labels(const json& labels, const std::string& selector)
{
    for (const std::string& term : split(selector, ',')) {
        const auto has = [&](const std::string& key) { return labels.is_object() && labels.contains(key); };
        const auto value = [&](const std::string& key) { return has(key) ? labels[key].get<std::string>() : ""; };
        if (const auto ne = term.find("!="); ne != std::string::npos) {
            if (has(term.substr(0, ne)) && value(term.substr(0, ne)) == term.substr(ne + 2)) {
                return false;
            }
        } else if (const auto eq = term.find('='); eq != std::string::npos) {
            const std::string wanted = term.substr(term[eq + 1] == '=' ? eq + 2 : eq + 1);
            if (!has(term.substr(0, eq)) || value(term.substr(0, eq)) != wanted) {
                return false;
            }
        } else if (term.front() == '!') {
            if (has(term.substr(1))) {
                return false;
            }
        } else if (!has(term)) {
            return false;
        }
    }
    return true;
}

bool matches(const json& object, const ServerRequest& request)
{
    const json& metadata = object["metadata"];
    if (const auto found = request.query.find("labelSelector"); found != request.query.end()) {
        if (!matches_labels(metadata.value("labels", json::object()), found->second)) {
            return false;
        }
    }
    if (const auto found = request.query.find("fieldSelector"); found != request.query.end()) {
        for (const std::string& term : split(found->second, ',')) {
            const auto eq = term.find('=');
            const std::string field = term.substr(0, eq);
            const std::string wanted = term.substr(eq + 1);
            const std::string actual = field == "metadata.name"        ? metadata.value("name", "")
                                       : field == "metadata.namespace" ? metadata.value("namespace", "")
                                                                       : "\x01unsupported";
            if (actual != wanted) {
                return false;
            }
        }
    }
    return true;
}

std::string key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

long parse_rv(const std::string& text)
{
    try {
        return text.empty() ? 0 : std::stol(text);
    } catch (const std::exception&) {
        return -1;
    }
}

} // namespace

FakeKubeApiServer::FakeKubeApiServer(Options options)
    : options_(std::move(options)),
      server_([this](const ServerRequest& request, Responder& responder) { handle(request, responder); },
              options_.tls)
{
}

FakeKubeApiServer::~FakeKubeApiServer()
{
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
}

void FakeKubeApiServer::fail_next(int count, int status_code, const std::string& reason)
{
    const std::lock_guard lock(mutex_);
    fail_count_ = count;
    fail_status_ = status_code;
    fail_reason_ = reason;
}

void FakeKubeApiServer::delay_next(Gate& gate)
{
    const std::lock_guard lock(mutex_);
    delay_ = &gate;
}

void FakeKubeApiServer::drop_watches()
{
    {
        const std::lock_guard lock(mutex_);
        ++drop_generation_;
    }
    changed_.notify_all();
}

void FakeKubeApiServer::compact()
{
    const std::lock_guard lock(mutex_);
    events_.clear();
    oldest_rv_ = rv_;
}

json FakeKubeApiServer::put(const std::string& collection_path, json object)
{
    const std::lock_guard lock(mutex_);
    const std::string name = object["metadata"]["name"];
    const std::string ns = object["metadata"].value("namespace", "");
    const bool exists = store_[collection_path].contains(key(ns, name));
    write_locked(collection_path, exists ? "MODIFIED" : "ADDED", std::move(object));
    return store_[collection_path][key(ns, name)];
}

bool FakeKubeApiServer::erase(const std::string& collection_path, const std::string& ns, const std::string& name)
{
    const std::lock_guard lock(mutex_);
    auto& objects = store_[collection_path];
    const auto found = objects.find(key(ns, name));
    if (found == objects.end()) {
        return false;
    }
    json gone = found->second;
    objects.erase(found);
    write_locked(collection_path, "DELETED", std::move(gone));
    return true;
}

json FakeKubeApiServer::object(const std::string& collection_path, const std::string& ns,
                               const std::string& name) const
{
    const std::lock_guard lock(mutex_);
    const auto collection = store_.find(collection_path);
    if (collection == store_.end()) {
        return nullptr;
    }
    const auto found = collection->second.find(key(ns, name));
    return found == collection->second.end() ? json(nullptr) : found->second;
}

std::vector<ServerRequest> FakeKubeApiServer::requests() const
{
    const std::lock_guard lock(mutex_);
    return requests_;
}

long FakeKubeApiServer::resource_version() const
{
    const std::lock_guard lock(mutex_);
    return rv_;
}

int FakeKubeApiServer::open_watches() const
{
    const std::lock_guard lock(mutex_);
    return open_watches_;
}

/// Stamps `object` with the next RV, stores it (or, for DELETED, only records the event).
void FakeKubeApiServer::write_locked(const std::string& collection, const std::string& type, json object)
{
    ++rv_;
    json& metadata = object["metadata"];
    metadata["resourceVersion"] = std::to_string(rv_);
    if (!metadata.contains("uid")) {
        metadata["uid"] = "uid-" + std::to_string(rv_);
        metadata["creationTimestamp"] = "2026-01-01T00:00:00Z";
    }
    const std::string k = key(metadata.value("namespace", ""), metadata.value("name", ""));
    if (type != "DELETED") {
        store_[collection][k] = object;
    }
    events_.push_back({rv_, collection, type, std::move(object)});
    while (events_.size() > options_.retained_events) {
        oldest_rv_ = events_.front().rv;
        events_.pop_front();
    }
    changed_.notify_all();
}

void FakeKubeApiServer::handle(const ServerRequest& request, Responder& responder)
{
    Gate* delay = nullptr;
    {
        std::unique_lock lock(mutex_);
        requests_.push_back(request);
        std::swap(delay, delay_);
        if (fail_count_ > 0) {
            --fail_count_;
            const json answer = status(fail_status_, fail_reason_, "injected failure");
            lock.unlock();
            responder.respond(fail_status_, answer.dump());
            return;
        }
    }
    if (delay != nullptr) {
        delay->wait();
    }
    if (request.method == "GET") {
        const std::unique_lock lock(mutex_);
        if (const auto document = options_.documents.find(request.path); document != options_.documents.end()) {
            responder.respond(200, document->second.dump());
            return;
        }
    }
    // /api/v1[/namespaces/ns]/plural[/name[/sub]] or /apis/group/version[/namespaces/ns]/...
    const std::vector<std::string> parts = split(request.path, '/');
    std::size_t at = 0;
    std::string prefix;
    if (parts.size() >= 3 && parts[0] == "api") {
        prefix = "/api/" + parts[1];
        at = 2;
    } else if (parts.size() >= 4 && parts[0] == "apis") {
        prefix = "/apis/" + parts[1] + "/" + parts[2];
        at = 3;
    } else {
        responder.respond(404, status(404, "NotFound", "the server could not find the requested resource").dump());
        return;
    }
    Route route;
    if (parts.size() > at + 2 && parts[at] == "namespaces") {
        route.ns = parts[at + 1];
        at += 2;
    }
    route.plural = parts[at];
    route.collection = prefix + "/" + route.plural;
    route.name = parts.size() > at + 1 ? parts[at + 1] : "";
    route.subresource = parts.size() > at + 2 ? parts[at + 2] : "";
    if (request.method == "GET" && route.name.empty()) {
        const auto watch = request.query.find("watch");
        if (watch != request.query.end() && (watch->second == "true" || watch->second == "1")) {
            serve_watch(request, route, responder);
            return;
        }
        const std::lock_guard lock(mutex_);
        responder.respond(200, list(request, route).dump());
        return;
    }
    if (request.method == "GET" && route.subresource == "scale" && options_.scale_plurals.contains(route.plural)) {
        const std::lock_guard lock(mutex_);
        const auto [code, answer] = scale(route);
        responder.respond(code, answer.dump());
        return;
    }
    const auto [code, answer] = mutate(request, route);
    responder.respond(code, answer.dump());
}

std::pair<int, json> FakeKubeApiServer::scale(const Route& route) const
{
    const auto collection = store_.find(route.collection);
    const auto object = collection == store_.end() ? nullptr : [&]() -> const json* {
        const auto it = collection->second.find(route.ns + "/" + route.name);
        return it == collection->second.end() ? nullptr : &it->second;
    }();
    if (object == nullptr) {
        return {404, status(404, "NotFound", route.plural + " \"" + route.name + "\" not found")};
    }
    std::string selector;
    const json spec = object->value("spec", json::object());
    const json labels = spec.value("selector", json::object()).value("matchLabels", json::object());
    for (const auto& [key, value] : labels.items()) {
        selector += (selector.empty() ? "" : ",") + key + "=" + value.get<std::string>();
    }
    return {200, {{"apiVersion", "autoscaling/v1"},
                  {"kind", "Scale"},
                  {"metadata", {{"name", route.name}, {"namespace", route.ns}}},
                  {"spec", {{"replicas", spec.value("replicas", 1)}}},
                  {"status", {{"replicas", spec.value("replicas", 1)}, {"selector", selector}}}}};
}

void FakeKubeApiServer::set_document(const std::string& path, json document)
{
    const std::lock_guard lock(mutex_);
    options_.documents[path] = std::move(document);
}

json FakeKubeApiServer::list(const ServerRequest& request, const Route& route) const
{
    json items = json::array();
    const auto collection = store_.find(route.collection);
    std::size_t skip = 0;
    if (const auto cont = request.query.find("continue"); cont != request.query.end()) {
        skip = static_cast<std::size_t>(std::stoul(cont->second));
    }
    const std::size_t limit = request.query.contains("limit") ? std::stoul(request.query.at("limit")) : 0;
    std::size_t seen = 0;
    std::string next;
    if (collection != store_.end()) {
        for (const auto& [k, object] : collection->second) {
            if ((!route.ns.empty() && object["metadata"].value("namespace", "") != route.ns) || !matches(object, request)) {
                continue;
            }
            if (seen++ < skip) {
                continue;
            }
            if (limit > 0 && items.size() == limit) {
                next = std::to_string(seen - 1);
                break;
            }
            items.push_back(object);
        }
    }
    json metadata = {{"resourceVersion", std::to_string(rv_)}};
    if (!next.empty()) {
        metadata["continue"] = next;
    }
    return {{"kind", "List"}, {"apiVersion", "v1"}, {"metadata", metadata}, {"items", items}};
}

void FakeKubeApiServer::serve_watch(const ServerRequest& request, const Route& route, Responder& responder)
{
    const long timeout_seconds = request.query.contains("timeoutSeconds")
                                     ? std::stol(request.query.at("timeoutSeconds"))
                                     : 1800;
    const bool bookmarks = request.query.contains("allowWatchBookmarks") &&
                           request.query.at("allowWatchBookmarks") == "true";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    const auto in_scope = [&](const json& object) {
        return (route.ns.empty() || object["metadata"].value("namespace", "") == route.ns) &&
               matches(object, request);
    };
    const auto send = [&responder](const std::string& type, const json& object) {
        return responder.write(json{{"type", type}, {"object", object}}.dump() + "\n");
    };
    std::unique_lock lock(mutex_);
    long from = parse_rv(request.query.contains("resourceVersion") ? request.query.at("resourceVersion") : "");
    responder.start_stream(200);
    if (from <= 0) {
        // From the current state: a synthetic ADDED per object, then changes.
        for (const auto& [k, object] : store_[route.collection]) {
            if (in_scope(object) && !send("ADDED", object)) {
                return;
            }
        }
        from = rv_;
    } else if (from < oldest_rv_) {
        send("ERROR", status(410, "Expired",
                             "too old resource version: " + std::to_string(from) + " (" + std::to_string(oldest_rv_) + ")"));
        return;
    }
    const long generation = drop_generation_;
    ++open_watches_;
    while (true) {
        for (const Event& event : events_) {
            if (event.rv > from && event.collection == route.collection && in_scope(event.object)) {
                if (!send(event.type, event.object)) {
                    --open_watches_;
                    return;
                }
            }
        }
        from = rv_;
        if (bookmarks) {
            send("BOOKMARK", {{"kind", "Bookmark"}, {"metadata", {{"resourceVersion", std::to_string(rv_)}}}});
        }
        if (options_.end_watches_when_caught_up) {
            break;
        }
        const bool woke = changed_.wait_until(lock, deadline, [&] {
            return stopping_ || drop_generation_ != generation || rv_ != from;
        });
        if (!woke || stopping_) {
            break;
        }
        if (drop_generation_ != generation) {
            --open_watches_;
            responder.close_connection();
            return;
        }
    }
    --open_watches_;
}

std::pair<int, json> FakeKubeApiServer::mutate(const ServerRequest& request, const Route& route)
{
    const std::lock_guard lock(mutex_);
    auto& objects = store_[route.collection];
    const std::string k = key(route.ns, route.name);
    const auto found = objects.find(k);
    const std::string what = route.plural + " \"" + route.name + "\"";
    json body = request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
    if (request.header("Content-Type") == "application/apply-patch+yaml" && body.is_discarded()) {
        try {
            // JSON is YAML; a YAML body is converted through its JSON emitter.
            YAML::Emitter out;
            out << YAML::DoubleQuoted << YAML::Flow << YAML::Load(request.body);
            body = json::parse(out.c_str(), nullptr, false);
        } catch (const YAML::Exception&) {
        }
    }
    if (body.is_discarded() || !body.is_object()) {
        return {400, status(400, "BadRequest", "the body is not a JSON object")};
    }
    if (request.method == "GET") {
        if (found == objects.end()) {
            return {404, status(404, "NotFound", what + " not found")};
        }
        return {200, found->second};
    }
    if (request.method == "POST") {
        const std::string name = body["metadata"].value("name", "");
        if (name.empty()) {
            return {422, status(422, "Invalid", "metadata.name: Required value")};
        }
        if (objects.contains(key(route.ns, name))) {
            return {409, status(409, "AlreadyExists", route.plural + " \"" + name + "\" already exists")};
        }
        body["metadata"]["namespace"] = route.ns;
        body["metadata"].erase("resourceVersion");
        write_locked(route.collection, "ADDED", body);
        return {201, objects[key(route.ns, name)]};
    }
    if (request.method == "DELETE") {
        if (found == objects.end()) {
            return {404, status(404, "NotFound", what + " not found")};
        }
        const json& meta = found->second["metadata"];
        const json preconditions = body.value("preconditions", json::object());
        if ((preconditions.contains("uid") && preconditions["uid"] != meta["uid"]) ||
            (preconditions.contains("resourceVersion") && preconditions["resourceVersion"] != meta["resourceVersion"])) {
            return {409, status(409, "Conflict", "Precondition failed for " + what)};
        }
        json gone = found->second;
        objects.erase(found);
        write_locked(route.collection, "DELETED", gone);
        json success = status(200, "", "deleted");
        success["status"] = "Success";
        return {200, success};
    }
    const bool status_subresource = options_.status_plurals.contains(route.plural);
    if (!route.subresource.empty() && !(route.subresource == "status" && status_subresource)) {
        return {404, status(404, "NotFound", "no subresource " + route.subresource + " for " + route.plural)};
    }
    const bool apply = request.header("Content-Type") == "application/apply-patch+yaml";
    if (found == objects.end() && !apply) {
        return {404, status(404, "NotFound", what + " not found")};
    }
    json updated;
    if (request.method == "PUT") {
        const std::string sent_rv = body["metadata"].value("resourceVersion", "");
        if (!sent_rv.empty() && sent_rv != found->second["metadata"]["resourceVersion"]) {
            return {409, status(409, "Conflict",
                                "Operation cannot be fulfilled on " + what +
                                    ": the object has been modified; please apply your changes to the latest "
                                    "version and try again")};
        }
        updated = body;
    } else if (request.method == "PATCH") {
        if (apply && !request.query.contains("fieldManager")) {
            return {400, status(400, "BadRequest", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value")};
        }
        if (!apply && request.header("Content-Type") != "application/merge-patch+json") {
            return {415, status(415, "UnsupportedMediaType", "the body of the request was in an unknown format")};
        }
        updated = found == objects.end() ? json{{"metadata", {{"name", route.name}}}} : found->second;
        updated.merge_patch(body);
    } else {
        return {405, status(405, "MethodNotAllowed", request.method + " is not supported")};
    }
    updated["metadata"]["name"] = route.name;
    updated["metadata"]["namespace"] = route.ns;
    if (found != objects.end()) {
        updated["metadata"]["uid"] = found->second["metadata"]["uid"];
        if (status_subresource) {
            // The main resource ignores status changes, the status subresource everything else.
            json& base = found->second;
            if (route.subresource == "status") {
                json kept = base;
                kept["status"] = updated.value("status", json::object());
                updated = kept;
            } else if (base.contains("status")) {
                updated["status"] = base["status"];
            } else {
                updated.erase("status");
            }
        }
    }
    const bool created = found == objects.end();
    write_locked(route.collection, created ? "ADDED" : "MODIFIED", updated);
    return {created ? 201 : 200, objects[k]};
}

} // namespace ihpa::test
