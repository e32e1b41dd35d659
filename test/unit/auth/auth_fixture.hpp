#pragma once

#include "apiserver/authn.hpp"
#include "auth/clock.hpp"
#include "test/unit/kube/fake_cluster.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <string>

namespace ihpa::auth {

/// A steady clock the test moves by hand.
struct ManualClock {
    std::atomic<std::chrono::steady_clock::time_point> now{std::chrono::steady_clock::time_point{} +
                                                           std::chrono::hours(1)};

    [[nodiscard]] SteadyClock clock()
    {
        return [this] { return now.load(); };
    }
    void advance(std::chrono::steady_clock::duration by) { now.store(now.load() + by); }
};

/// A `get` of a non-resource path (discovery, OpenAPI, health).
inline apiserver::RequestAttributes get_path(const std::string& path)
{
    return {.verb = "get", .path = path, .resource_request = false, .api_group = "", .api_version = "", .ns = "",
            .resource = "", .name = ""};
}

/// Options of a fake cluster answering POSTs to the create-only `collection` with the posted
/// review and the status `status_of(spec)`.
inline test::FakeKubeApiServer::Options
reviews_answered(const std::string& collection, std::function<nlohmann::json(const nlohmann::json& spec)> status_of)
{
    test::FakeKubeApiServer::Options options;
    options.on_create[collection] = [status_of = std::move(status_of)](const nlohmann::json& body) {
        nlohmann::json answer = body;
        answer["status"] = status_of(body["spec"]);
        return answer;
    };
    return options;
}

/// The POSTs the fake server received on `collection`, their bodies parsed.
inline std::vector<nlohmann::json> posted(const test::FakeKubeApiServer& server, const std::string& collection)
{
    std::vector<nlohmann::json> bodies;
    for (const auto& request : server.requests()) {
        if (request.method == "POST" && request.path == collection) {
            bodies.push_back(nlohmann::json::parse(request.body));
        }
    }
    return bodies;
}

/// A callback target the test waits on (no sleeps: the future is set by the callback).
template <typename Result>
struct Answer {
    std::promise<Result> promise;
    std::future<Result> future = promise.get_future();

    [[nodiscard]] auto callback()
    {
        return [this](const Result& result) { promise.set_value(result); };
    }
};

} // namespace ihpa::auth
