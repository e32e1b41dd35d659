#include "apiserver/router.hpp"

#include "test/fakes/fake_provider.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <tuple>

namespace ihpa::apiserver {
namespace {

using nlohmann::json;

class RouterTest : public ::testing::Test {
protected:
    RouterTest()
    {
        const auto t = std::chrono::system_clock::from_time_t(1'700'000'000);
        provider_.metrics["queue_depth"] = {
            {"queue_depth", {{"queue", "orders"}, {"env", "prod"}}, t, std::nullopt, 12.5},
            {"queue_depth", {{"queue", "mails"}, {"env", "prod"}}, t, 60, 3.0},
        };
        provider_.errors["broken"] = internal_error("unable to fetch metrics");
        provider_.errors["stale"] = service_unavailable("data is too old");
    }

    ApiResponse get(std::string target, std::string accept = "",
                    std::string method = "GET") const
    {
        ApiRequest request;
        request.method = method;
        request.target = target;
        request.accept = accept;
        return router_.handle(request);
    }

    test::FakeProvider provider_;
    AlwaysAllowAuthorizer authorizer_;
    ServerMetrics metrics_;
    Router router_{provider_, authorizer_, metrics_, RouterConfig{}};
};

struct RouteCase {
    std::string name;
    std::string method;
    std::string target;
    int status;
    int items; // -1: not a metric list
};

TEST_F(RouterTest, RouteTable)
{
    const std::string base = "/apis/external.metrics.k8s.io/v1beta1";
    const std::vector<RouteCase> cases = {
        {"root", "GET", "/", 200, -1},
        {"apis", "GET", "/apis", 200, -1},
        {"group", "GET", "/apis/external.metrics.k8s.io", 200, -1},
        {"group version", "GET", base, 200, -1},
        {"group version with timeout", "GET", base + "?timeout=32s", 200, -1},
        {"HEAD group version", "HEAD", base, 200, -1},
        {"all items", "GET", base + "/namespaces/default/queue_depth", 200, 2},
        {"any namespace", "GET", base + "/namespaces/kube-system/queue_depth", 200, 2},
        {"uppercase name", "GET", base + "/namespaces/default/Queue_Depth", 200, 2},
        {"equality", "GET", base + "/namespaces/default/queue_depth?labelSelector=queue%3Dorders", 200, 1},
        {"set, plus as space", "GET",
         base + "/namespaces/default/queue_depth?labelSelector=queue+in+%28orders%2Cmails%29", 200, 2},
        {"extra parameters tolerated", "GET",
         base + "/namespaces/default/queue_depth?timeout=20s&labelSelector=env%3Dprod", 200, 2},
        {"selector matches nothing", "GET",
         base + "/namespaces/default/queue_depth?labelSelector=queue%3Dnone", 404, -1},
        {"invalid selector", "GET",
         base + "/namespaces/default/queue_depth?labelSelector=queue%3D%3D%3Dx", 400, -1},
        {"malformed escape in query", "GET",
         base + "/namespaces/default/queue_depth?labelSelector=%zz", 400, -1},
        {"unknown metric", "GET", base + "/namespaces/default/nope", 404, -1},
        {"metric with slash", "GET", base + "/namespaces/default/queue_depth/extra", 404, -1},
        {"invalid namespace", "GET", base + "/namespaces/Not_A_Label/queue_depth", 400, -1},
        {"namespace only", "GET", base + "/namespaces/default", 404, -1},
        {"cluster-scoped metric", "GET", base + "/queue_depth", 404, -1},
        {"other version", "GET", "/apis/external.metrics.k8s.io/v1beta2", 404, -1},
        {"other group", "GET", "/apis/custom.metrics.k8s.io/v1beta1", 404, -1},
        {"provider internal error", "GET", base + "/namespaces/default/broken", 500, -1},
        {"provider unavailable", "GET", base + "/namespaces/default/stale", 503, -1},
        {"POST", "POST", base + "/namespaces/default/queue_depth", 405, -1},
        {"DELETE", "DELETE", base, 405, -1},
        {"openapi v2", "GET", "/openapi/v2", 404, -1},
        {"openapi v3", "GET", "/openapi/v3", 404, -1},
        {"healthz", "GET", "/healthz", 200, -1},
        {"livez", "GET", "/livez", 200, -1},
        {"readyz", "GET", "/readyz", 200, -1},
        {"healthz ping", "GET", "/healthz/ping", 200, -1},
        {"version", "GET", "/version", 200, -1},
        {"metrics", "GET", "/metrics", 200, -1},
        {"unknown path", "GET", "/foo", 404, -1},
        {"absolute-form target", "GET", "http://example.com/apis", 400, -1},
        {"malformed escape in path", "GET", "/apis/%G1", 400, -1},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name + ": " + c.method + " " + c.target);
        const ApiResponse response = get(c.target, "", c.method);
        EXPECT_EQ(response.status, c.status) << response.body;
        if (c.items >= 0) {
            const json doc = json::parse(response.body);
            EXPECT_EQ(doc["kind"], "ExternalMetricValueList");
            EXPECT_EQ(doc["items"].size(), static_cast<std::size_t>(c.items));
        }
        if (response.status >= 400) {
            const json doc = json::parse(response.body);
            EXPECT_EQ(doc["kind"], "Status");
            EXPECT_EQ(doc["code"], c.status);
            EXPECT_EQ(response.content_type, "application/json");
        }
    }
}

TEST_F(RouterTest, MetricValueListHasTheWireShape)
{
    const ApiResponse response = get(
        "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth?labelSelector=queue%3Dmails");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "application/json");
    const json expected = json::parse(R"({
        "kind": "ExternalMetricValueList",
        "apiVersion": "external.metrics.k8s.io/v1beta1",
        "metadata": {},
        "items": [{"metricName": "queue_depth",
                   "metricLabels": {"env": "prod", "queue": "mails"},
                   "timestamp": "2023-11-14T22:13:20Z",
                   "window": 60,
                   "value": "3"}]})");
    EXPECT_EQ(json::parse(response.body), expected);
    const json all = json::parse(
        get("/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth?labelSelector=queue%3Dorders")
            .body);
    EXPECT_EQ(all["items"][0]["value"], "12500m");
    EXPECT_FALSE(all["items"][0].contains("window"));
}

TEST_F(RouterTest, LabelsThatNeedEscapingStayValidJson)
{
    provider_.metrics["odd"] = {{"odd", {{"note", "say \"hi\"\n\\ \xff"}}, {}, std::nullopt, 0.25}};
    const ApiResponse response = get("/apis/external.metrics.k8s.io/v1beta1/namespaces/default/odd");
    ASSERT_EQ(response.status, 200);
    const json doc = json::parse(response.body);
    EXPECT_EQ(doc["items"][0]["metricLabels"]["note"], "say \"hi\"\n\\ \xef\xbf\xbd");
    EXPECT_EQ(doc["items"][0]["value"], "250m");
}

TEST_F(RouterTest, DiscoveryDocumentsMatchTheContract)
{
    const json resources = json::parse(get("/apis/external.metrics.k8s.io/v1beta1").body);
    EXPECT_EQ(resources, json::parse(R"({
        "kind": "APIResourceList", "apiVersion": "v1",
        "groupVersion": "external.metrics.k8s.io/v1beta1",
        "resources": [{"name": "externalmetrics", "singularName": "", "namespaced": true,
                       "kind": "ExternalMetricValueList", "verbs": ["get"]}]})"));
    const json group = json::parse(get("/apis/external.metrics.k8s.io").body);
    EXPECT_EQ(group, json::parse(R"({
        "kind": "APIGroup", "apiVersion": "v1", "name": "external.metrics.k8s.io",
        "versions": [{"groupVersion": "external.metrics.k8s.io/v1beta1", "version": "v1beta1"}],
        "preferredVersion": {"groupVersion": "external.metrics.k8s.io/v1beta1", "version": "v1beta1"}})"));
    const json groups = json::parse(get("/apis").body);
    EXPECT_EQ(groups["kind"], "APIGroupList");
    EXPECT_EQ(groups["groups"][0], json::parse(R"({
        "name": "external.metrics.k8s.io",
        "versions": [{"groupVersion": "external.metrics.k8s.io/v1beta1", "version": "v1beta1"}],
        "preferredVersion": {"groupVersion": "external.metrics.k8s.io/v1beta1", "version": "v1beta1"}})"));
}

TEST_F(RouterTest, AcceptHeaderNegotiation)
{
    const std::string path = "/apis/external.metrics.k8s.io/v1beta1";
    for (const std::string accept :
         {"", "*/*", "application/json", "application/json, */*", "application/vnd.kubernetes.protobuf",
          "application/vnd.kubernetes.protobuf, */*", "application/*;q=0.8", "text/html, application/json;q=0.9",
          "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"}) {
        SCOPED_TRACE(accept);
        const ApiResponse response = get(path, accept);
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(response.content_type, "application/json");
    }
    for (const std::string accept :
         {"text/html", "application/yaml", "application/json;as=APIGroupDiscoveryList;g=apidiscovery.k8s.io"}) {
        SCOPED_TRACE(accept);
        const ApiResponse response = get(path, accept);
        EXPECT_EQ(response.status, 406);
        EXPECT_EQ(json::parse(response.body)["reason"], "NotAcceptable");
    }
}

TEST_F(RouterTest, HealthEndpointsAreTextAndReadinessIsReported)
{
    const ApiResponse healthz = get("/healthz");
    EXPECT_EQ(healthz.body, "ok");
    EXPECT_EQ(healthz.content_type, "text/plain; charset=utf-8");
    RouterConfig config;
    config.readiness = [] { return std::string("history not loaded"); };
    const Router not_ready(provider_, authorizer_, metrics_, config);
    ApiRequest request;
    request.method = "GET";
    request.target = "/readyz";
    const ApiResponse readyz = not_ready.handle(request);
    EXPECT_EQ(readyz.status, 500);
    EXPECT_NE(readyz.body.find("history not loaded"), std::string::npos);
}

TEST_F(RouterTest, VersionIsAKubernetesVersionInfo)
{
    const json doc = json::parse(get("/version").body);
    for (const char* key : {"major", "minor", "gitVersion", "gitCommit", "buildDate", "platform"}) {
        EXPECT_TRUE(doc.contains(key)) << key;
    }
}

TEST_F(RouterTest, EmptyProviderAnswerIsNotFoundNeverAnEmptyList)
{
    provider_.metrics["empty"] = {};
    const ApiResponse response = get("/apis/external.metrics.k8s.io/v1beta1/namespaces/default/empty");
    EXPECT_EQ(response.status, 404);
}

/// Denies every metric read of "secret" and records what it was asked; answers from its
/// "cache" except for metric "uncached", whose decision waits in `pending` until a test
/// releases it.
class RecordingAuthorizer final : public Authorizer {
public:
    mutable std::vector<RequestAttributes> seen;
    mutable std::vector<Callback> pending;
    std::optional<Authorization> cached(const Identity&, const RequestAttributes& attributes) const override
    {
        seen.push_back(attributes);
        if (attributes.resource == "uncached") {
            return std::nullopt;
        }
        return decide(attributes);
    }
    void authorize_async(const Identity&, const RequestAttributes&, Callback done) const override
    {
        pending.push_back(std::move(done));
    }
    static Authorization decide(const RequestAttributes& attributes)
    {
        if (attributes.resource == "secret") {
            return {false, forbidden("someone", attributes.verb, attributes.resource)};
        }
        return {true, {}};
    }
};

TEST(RouterAuthTest, AuthenticationAndAuthorizationGuardEverythingButHealth)
{
    test::FakeProvider provider;
    provider.metrics["secret"] = {{"secret", {}, {}, std::nullopt, 1.0}};
    RecordingAuthorizer authorizer;
    ServerMetrics metrics;
    AuthenticationSettings settings;
    settings.request_header.enabled = true;
    settings.request_header.allowed_names = {"front-proxy-client"};
    const AuthenticationState authentication(settings);
    RouterConfig config;
    config.authentication = &authentication;
    const Router router(provider, authorizer, metrics, config);

    ClientCertificate good{true, true, true, "front-proxy-client", ""};
    ApiRequest request;
    request.method = "GET";
    request.target = "/apis/external.metrics.k8s.io/v1beta1/namespaces/ns1/secret";
    request.certificate = &good;
    request.headers = {{"X-Remote-User", "system:serviceaccount:kube-system:horizontal-pod-autoscaler"},
                       {"X-Remote-Group", "system:serviceaccounts"}};
    const ApiResponse denied = router.handle(request);
    EXPECT_EQ(denied.status, 403);
    EXPECT_EQ(json::parse(denied.body)["reason"], "Forbidden");
    ASSERT_EQ(authorizer.seen.size(), 1U);
    EXPECT_EQ(authorizer.seen[0].verb, "list");
    EXPECT_EQ(authorizer.seen[0].ns, "ns1");
    EXPECT_EQ(authorizer.seen[0].api_group, "external.metrics.k8s.io");
    EXPECT_TRUE(authorizer.seen[0].resource_request);

    request.target = "/apis/external.metrics.k8s.io/v1beta1";
    EXPECT_EQ(router.handle(request).status, 200);
    EXPECT_FALSE(authorizer.seen.back().resource_request);
    EXPECT_EQ(authorizer.seen.back().verb, "get");

    request.headers.clear();
    EXPECT_EQ(router.handle(request).status, 401);
    request.certificate = nullptr;
    EXPECT_EQ(router.handle(request).status, 401);
    request.target = "/livez";
    EXPECT_EQ(router.handle(request).status, 200);
}

TEST(RouterAuthTest, AnUncachedDecisionAnswersThroughTheCompletionOnceDecided)
{
    test::FakeProvider provider;
    provider.metrics["uncached"] = {{"uncached", {}, {}, std::nullopt, 2.0}};
    RecordingAuthorizer authorizer;
    ServerMetrics metrics;
    const Router router(provider, authorizer, metrics, RouterConfig{});
    ApiRequest request;
    request.method = "GET";
    request.target = "/apis/external.metrics.k8s.io/v1beta1/namespaces/ns1/uncached";

    std::vector<ApiResponse> later;
    const auto now = router.handle(request, [&later](ApiResponse r) { later.push_back(std::move(r)); });
    EXPECT_FALSE(now.has_value());
    EXPECT_TRUE(later.empty());
    ASSERT_EQ(authorizer.pending.size(), 1U);
    authorizer.pending[0](Authorization{true, {}});
    ASSERT_EQ(later.size(), 1U);
    EXPECT_EQ(later[0].status, 200);
    EXPECT_EQ(later[0].route, "metric");
    EXPECT_EQ(json::parse(later[0].body)["items"][0]["value"], "2");

    // A denial from the review is the authorizer's 403, passed through unchanged.
    ASSERT_FALSE(router.handle(request, [&later](ApiResponse r) { later.push_back(std::move(r)); }));
    authorizer.pending[1](Authorization{false, forbidden("anyone", "list", "uncached")});
    ASSERT_EQ(later.size(), 2U);
    EXPECT_EQ(later[1].status, 403);
    EXPECT_NE(json::parse(later[1].body)["message"].get<std::string>().find("anyone"), std::string::npos);
}

/// Knows the token "good" at once, reviews "slow" later (the test answers), refuses the rest.
class FakeTokens final : public TokenAuthenticator {
public:
    mutable std::vector<std::pair<std::string, Callback>> pending;
    std::optional<Result> cached(std::string_view token) const override
    {
        if (token == "good") {
            return Identity{"good-user", {"system:authenticated"}, {}};
        }
        if (token == "slow") {
            return std::nullopt;
        }
        return std::unexpected(unauthorized("Unauthorized: bearer token refused: unknown"));
    }
    void authenticate_async(std::string_view token, Callback done) const override
    {
        pending.emplace_back(std::string(token), std::move(done));
    }
};

TEST(RouterAuthTest, BearerTokensAreReviewedBeforeAuthorization)
{
    test::FakeProvider provider;
    provider.metrics["m"] = {{"m", {}, {}, std::nullopt, 3.0}};
    provider.metrics["uncached"] = {{"uncached", {}, {}, std::nullopt, 4.0}};
    RecordingAuthorizer authorizer;
    ServerMetrics metrics;
    const AuthenticationState authentication;
    const FakeTokens tokens;
    RouterConfig config;
    config.authentication = &authentication;
    config.tokens = &tokens;
    const Router router(provider, authorizer, metrics, config);
    ApiRequest request;
    request.method = "GET";
    request.target = "/apis/external.metrics.k8s.io/v1beta1/namespaces/ns1/m";

    // No credentials at all: 401, and the authorizer is never asked.
    const ApiResponse none = router.handle(request);
    EXPECT_EQ(none.status, 401);
    EXPECT_TRUE(authorizer.seen.empty());

    request.headers = {{"Authorization", "Bearer good"}};
    const ApiResponse cached = router.handle(request);
    EXPECT_EQ(cached.status, 200);
    EXPECT_EQ(cached.user, "good-user");

    request.headers = {{"Authorization", "Bearer forged"}};
    const ApiResponse refused = router.handle(request);
    EXPECT_EQ(refused.status, 401);
    EXPECT_NE(json::parse(refused.body)["message"].get<std::string>().find("bearer token refused"), std::string::npos);

    // A token review and then an authorization review, both asynchronous, answer through `done`.
    request.headers = {{"Authorization", "Bearer slow"}};
    request.target = "/apis/external.metrics.k8s.io/v1beta1/namespaces/ns1/uncached";
    std::vector<ApiResponse> later;
    ASSERT_FALSE(router.handle(request, [&later](ApiResponse r) { later.push_back(std::move(r)); }));
    ASSERT_EQ(tokens.pending.size(), 1U);
    EXPECT_EQ(tokens.pending[0].first, "slow");
    tokens.pending[0].second(Identity{"slow-user", {"system:authenticated"}, {}});
    EXPECT_TRUE(later.empty());
    ASSERT_EQ(authorizer.pending.size(), 1U);
    authorizer.pending[0](Authorization{true, {}});
    ASSERT_EQ(later.size(), 1U);
    EXPECT_EQ(later[0].status, 200);
    EXPECT_EQ(later[0].user, "slow-user");
    EXPECT_EQ(json::parse(later[0].body)["items"][0]["value"], "4");

    // A refusal from the review is a 401 through `done`.
    ASSERT_FALSE(router.handle(request, [&later](ApiResponse r) { later.push_back(std::move(r)); }));
    tokens.pending[1].second(std::unexpected(unauthorized("Unauthorized: bearer token refused: expired")));
    ASSERT_EQ(later.size(), 2U);
    EXPECT_EQ(later[1].status, 401);
}

} // namespace
} // namespace ihpa::apiserver

namespace ihpa::apiserver {
namespace {

/// Records what the debug route asked for and answers with it.
class RecordingDebugView final : public DebugViewProvider {
public:
    mutable std::vector<std::tuple<std::string, std::string, DebugViewRequest>> seen;
    std::expected<DebugView, ApiError> debug_view(std::string_view ns, const LabelSelector& selector,
                                                  const ExternalMetricInfo& info,
                                                  const DebugViewRequest& request) const override
    {
        seen.emplace_back(std::string(ns), info.metric, request);
        if (info.metric == "nope" || !selector.matches({{"app", "web"}})) {
            return std::unexpected(metric_not_found(info.metric, ns));
        }
        if (request.format == DebugViewRequest::Format::Svg) {
            return DebugView{"image/svg+xml", "<svg/>"};
        }
        return DebugView{"application/json", "{}"};
    }
};

TEST(RouterDebugTest, TheDebugViewIsNegotiatedAndItsParametersChecked)
{
    test::FakeProvider provider;
    AlwaysAllowAuthorizer authorizer;
    ServerMetrics metrics;
    RecordingDebugView view;
    RouterConfig config;
    config.debug_view = &view;
    const Router router(provider, authorizer, metrics, config);
    const auto get = [&router](const std::string& query, const std::string& accept = "") {
        ApiRequest request;
        request.method = "GET";
        const std::string target =
            "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/Ihpa-Forecast/debug" + query;
        request.target = target;
        request.accept = accept;
        return router.handle(request);
    };
    ApiResponse r = get("");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.route, "debug");
    ASSERT_EQ(view.seen.size(), 1U);
    EXPECT_EQ(std::get<0>(view.seen[0]), "shop");
    EXPECT_EQ(std::get<1>(view.seen[0]), "ihpa-forecast"); // lowercased like a metric read
    EXPECT_EQ(std::get<2>(view.seen[0]).history, std::chrono::hours(24));
    EXPECT_EQ(std::get<2>(view.seen[0]).horizon, std::chrono::hours(6));

    EXPECT_EQ(get("?format=svg").content_type, "image/svg+xml");
    EXPECT_EQ(get("", "image/svg+xml").content_type, "image/svg+xml");
    EXPECT_EQ(get("", "text/html, image/*;q=0.8").content_type, "image/svg+xml");
    EXPECT_EQ(get("?format=json", "image/svg+xml").content_type, "application/json");
    EXPECT_EQ(get("", "application/json, */*").content_type, "application/json");
    r = get("?history=2h&horizon=90m&labelSelector=app%3Dweb");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(std::get<2>(view.seen.back()).history, std::chrono::hours(2));
    EXPECT_EQ(std::get<2>(view.seen.back()).horizon, std::chrono::minutes(90));

    const std::size_t asked = view.seen.size();
    for (const auto& [query, accept, status, words] : std::vector<std::tuple<std::string, std::string, int, std::string>>{
             {"", "text/html", 406, "application/json or image/svg+xml"},
             {"?format=png", "", 400, "invalid format \"png\": must be json or svg"},
             {"?history=2x", "", 400, "invalid history \"2x\""},
             {"?history=30s", "", 400, "must be between 1m and 744h"},
             {"?horizon=8d", "", 400, "invalid horizon"},
             {"?labelSelector=a%3D%3D%3Db", "", 400, "invalid labelSelector"},
             {"?labelSelector=app%3Ddb", "", 404, "ihpa-forecast"},
         }) {
        SCOPED_TRACE(query + " accept " + accept);
        r = get(query, accept);
        EXPECT_EQ(r.status, status);
        EXPECT_EQ(r.content_type, "application/json");
        const json doc = json::parse(r.body);
        EXPECT_EQ(doc["kind"], "Status");
        EXPECT_NE(doc["message"].get<std::string>().find(words), std::string::npos) << doc["message"];
    }
    EXPECT_EQ(view.seen.size(), asked + 1); // only the well-formed request reached the view

    const Router without(provider, authorizer, metrics, RouterConfig{});
    ApiRequest request;
    request.method = "GET";
    request.target = "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/ihpa-forecast/debug";
    EXPECT_EQ(without.handle(request).status, 404);
}

TEST(RouterDebugTest, TheDebugViewIsAuthorizedAsAGetOfTheMetricsDebugObject)
{
    test::FakeProvider provider;
    RecordingAuthorizer authorizer;
    ServerMetrics metrics;
    RecordingDebugView view;
    RouterConfig config;
    config.debug_view = &view;
    const Router router(provider, authorizer, metrics, config);
    ApiRequest request;
    request.method = "GET";
    request.target = "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/Secret/debug";
    const ApiResponse denied = router.handle(request);
    EXPECT_EQ(denied.status, 403);
    EXPECT_TRUE(view.seen.empty());
    ASSERT_EQ(authorizer.seen.size(), 1U);
    const RequestAttributes& a = authorizer.seen[0];
    EXPECT_TRUE(a.resource_request);
    EXPECT_EQ(a.verb, "get"); // Kubernetes' request info: a named object is read with get
    EXPECT_EQ(a.api_group, "external.metrics.k8s.io");
    EXPECT_EQ(a.ns, "shop");
    EXPECT_EQ(a.resource, "secret");
    EXPECT_EQ(a.name, "debug");
    request.target = "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/web/debug";
    EXPECT_EQ(router.handle(request).status, 200);
    EXPECT_EQ(authorizer.seen.back().resource, "web");
}

} // namespace
} // namespace ihpa::apiserver
