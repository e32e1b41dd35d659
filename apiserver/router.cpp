#include "apiserver/router.hpp"

#include "apiserver/discovery.hpp"
#include "common/duration.hpp"
#include "common/text.hpp"
#include "common/url.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <future>

namespace ihpa::apiserver {
namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

/// True when one media range of `accept` can be answered with plain JSON. Kubernetes clients
/// ask for protobuf with `*/*` or JSON as a fallback; a protobuf-only request is answered in
/// JSON too, because client-go decodes by the response Content-Type. Ranges with an `as=`
/// parameter (aggregated discovery) ask for a different document and do not count.
bool accepts_json(std::string_view accept)
{
    if (common::trim(accept).empty()) {
        return true;
    }
    while (!accept.empty()) {
        const auto comma = accept.find(',');
        const std::string_view range = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        const auto semi = range.find(';');
        const std::string type = common::lowercase(common::trim(range.substr(0, semi)));
        const std::string params =
            semi == std::string_view::npos ? std::string{} : common::lowercase(range.substr(semi));
        if (params.find("as=") != std::string::npos) {
            continue;
        }
        if (type == "*/*" || type == "application/*" || type == "application/json" ||
            type == "application/vnd.kubernetes.protobuf") {
            return true;
        }
    }
    return false;
}

/// True when a media range of `accept` names an SVG image (`image/svg+xml` or `image/*`).
bool asks_for_svg(std::string_view accept)
{
    while (!accept.empty()) {
        const auto comma = accept.find(',');
        const std::string type =
            common::lowercase(common::trim(accept.substr(0, std::min(comma, accept.find(';')))));
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        if (type == "image/svg+xml" || type == "image/*") {
            return true;
        }
    }
    return false;
}

/// A DNS-1123 label (what Kubernetes accepts as a namespace name).
bool is_dns1123_label(std::string_view s)
{
    if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

/// Splits an already validated absolute path into percent-decoded segments; nullopt when an
/// escape is malformed. "/a/b" → {"a", "b"}; "/" → {}.
std::optional<std::vector<std::string>> split_path(std::string_view path)
{
    std::vector<std::string> segments;
    path.remove_prefix(1);
    if (path.empty()) {
        return segments;
    }
    while (true) {
        const auto slash = path.find('/');
        auto decoded = common::percent_decode(path.substr(0, slash), false);
        if (!decoded) {
            return std::nullopt;
        }
        segments.push_back(std::move(*decoded));
        if (slash == std::string_view::npos) {
            return segments;
        }
        path.remove_prefix(slash + 1);
    }
}

/// The first value of query parameter `name`, decoded; nullopt when absent; an error when the
/// parameter is malformed. Other parameters (e.g. `timeout`) are ignored.
std::expected<std::optional<std::string>, ApiError> query_param(std::string_view query,
                                                                 std::string_view name)
{
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = pair.find('=');
        auto key = common::percent_decode(pair.substr(0, eq), true);
        if (!key) {
            return std::unexpected(bad_request("malformed query string: invalid escape in \"" +
                                               std::string(pair) + "\""));
        }
        if (*key != name) {
            continue;
        }
        auto value = common::percent_decode(
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!value) {
            return std::unexpected(bad_request("malformed query string: invalid escape in " +
                                               std::string(name)));
        }
        return std::optional<std::string>(std::move(*value));
    }
    return std::optional<std::string>{};
}

ApiResponse json_response(std::string body, std::string_view route)
{
    ApiResponse response;
    response.body = std::move(body);
    response.route = route;
    return response;
}

ApiResponse text_response(int status, std::string body, std::string_view route,
                          std::string_view content_type = kTextPlain)
{
    ApiResponse response;
    response.status = status;
    response.content_type = content_type;
    response.body = std::move(body);
    response.route = route;
    return response;
}

/// True for paths under /apis/external.metrics.k8s.io/v1beta1.
bool is_in_group_version(const std::vector<std::string>& seg)
{
    return seg.size() >= 3 && seg[0] == "apis" && seg[1] == kGroup && seg[2] == kVersion;
}

/// True for paths under /apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/.
bool is_metric_path(const std::vector<std::string>& seg)
{
    return is_in_group_version(seg) && seg.size() >= 5 && seg[3] == "namespaces";
}

/// True for /apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>/debug: Kubernetes'
/// request info reads it as `get` of the object "debug" of the resource <metric>.
bool is_debug_path(const std::vector<std::string>& seg)
{
    return is_metric_path(seg) && seg.size() == 7 && seg[6] == "debug";
}

/// A duration query parameter of the debug view within [1m, `most`]; `fallback` when absent.
std::expected<std::chrono::seconds, ApiError> duration_param(std::string_view query, std::string_view name,
                                                             std::chrono::seconds fallback,
                                                             std::chrono::seconds most)
{
    auto text = query_param(query, name);
    if (!text) {
        return std::unexpected(text.error());
    }
    if (!*text) {
        return fallback;
    }
    const auto parsed = common::parse_duration(**text);
    const std::string limits = "between 1m and " + common::format_duration(most);
    if (!parsed) {
        return std::unexpected(bad_request("invalid " + std::string(name) + " \"" + **text + "\": " +
                                           parsed.error() + " (a duration " + limits + ", e.g. 6h)"));
    }
    if (*parsed < std::chrono::minutes(1) || *parsed > most) {
        return std::unexpected(bad_request("invalid " + std::string(name) + " \"" + **text + "\": must be " +
                                           limits));
    }
    return std::chrono::duration_cast<std::chrono::seconds>(*parsed);
}

bool is_health_path(std::string_view path)
{
    for (std::string_view prefix : {"/healthz", "/livez", "/readyz"}) {
        if (path == prefix ||
            (path.starts_with(prefix) && path.size() > prefix.size() && path[prefix.size()] == '/')) {
            return true;
        }
    }
    return false;
}

} // namespace

Router::Router(const ExternalMetricsProvider& provider, const Authorizer& authorizer,
               const ServerMetrics& metrics, RouterConfig config)
    : provider_(provider), authorizer_(authorizer), metrics_(metrics), config_(std::move(config))
{
}

ApiResponse Router::error_response(const ApiError& error, std::string_view route)
{
    ApiResponse response;
    response.status = error.code;
    response.body = render_status(error);
    response.retry_after_seconds = error.retry_after_seconds;
    response.route = route;
    return response;
}

std::optional<ApiResponse> Router::handle(const ApiRequest& request, Completion done) const
{
    const std::string_view target = request.target;
    if (target.empty() || target.front() != '/') {
        return error_response(bad_request("the request target must be an absolute path"), "other");
    }
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

    if (request.method != "GET" && request.method != "HEAD") {
        return error_response(method_not_allowed(request.method), "other");
    }
    if (is_health_path(path)) {
        return handle_health(path);
    }
    return handle_api(request, path, query, std::move(done));
}

ApiResponse Router::handle(const ApiRequest& request) const
{
    std::promise<ApiResponse> later;
    auto answer = handle(request, [&later](ApiResponse response) { later.set_value(std::move(response)); });
    return answer ? std::move(*answer) : later.get_future().get();
}

ApiResponse Router::handle_health(std::string_view path) const
{
    if (path.starts_with("/readyz") && config_.readiness) {
        const std::string reason = config_.readiness();
        if (!reason.empty()) {
            return text_response(500, "[-]provider failed: " + reason + "\nreadyz check failed\n",
                                 "readyz");
        }
    }
    const std::string_view route =
        path.starts_with("/healthz") ? "healthz" : (path.starts_with("/livez") ? "livez" : "readyz");
    return text_response(200, "ok", route);
}

std::optional<ApiResponse> Router::handle_api(const ApiRequest& request, std::string_view path,
                                              std::string_view query, Completion done) const
{
    static const ClientCertificate kNoCertificate;
    static const AuthenticationSettings kAnonymous;
    const std::shared_ptr<const AuthenticationSettings> settings =
        config_.authentication ? config_.authentication->current() : nullptr;
    AuthenticationStep step = authenticate_request(settings ? *settings : kAnonymous, config_.tokens != nullptr,
                                                   request.certificate ? *request.certificate : kNoCertificate,
                                                   request.headers);
    if (const auto* error = std::get_if<ApiError>(&step)) {
        return error_response(*error, "unauthenticated");
    }
    auto segments = split_path(path);
    if (!segments) {
        return error_response(bad_request("malformed percent-escape in the request path"), "other");
    }
    if (const auto* identity = std::get_if<Identity>(&step)) {
        return authorize(*identity, std::move(*segments), path, query, request.accept, std::move(done));
    }
    const std::string_view token = std::get<BearerToken>(step).token;
    if (auto known = config_.tokens->cached(token)) {
        if (!*known) {
            return error_response(known->error(), "unauthenticated");
        }
        return authorize(**known, std::move(*segments), path, query, request.accept, std::move(done));
    }
    // A review is needed: the request's views stay valid until `done` (the caller's contract).
    config_.tokens->authenticate_async(
        token, [this, seg = std::move(*segments), path, query, accept = request.accept,
                done = std::move(done)](const TokenAuthenticator::Result& result) mutable {
            if (!result) {
                done(error_response(result.error(), "unauthenticated"));
                return;
            }
            auto answer = authorize(*result, std::move(seg), path, query, accept, done);
            if (answer) {
                done(std::move(*answer));
            }
        });
    return std::nullopt;
}

std::optional<ApiResponse> Router::authorize(const Identity& identity, std::vector<std::string> seg,
                                             std::string_view path, std::string_view query,
                                             std::string_view accept, Completion done) const
{
    RequestAttributes attributes;
    attributes.path = std::string(path);
    attributes.verb = "get";
    if (is_metric_path(seg) && seg.size() == 6) {
        attributes.resource_request = true;
        attributes.verb = "list";
        attributes.api_group = kGroup;
        attributes.api_version = kVersion;
        attributes.ns = seg[4];
        attributes.resource = common::lowercase(seg[5]);
    } else if (is_debug_path(seg)) {
        attributes.resource_request = true;
        attributes.api_group = kGroup;
        attributes.api_version = kVersion;
        attributes.ns = seg[4];
        attributes.resource = common::lowercase(seg[5]);
        attributes.name = seg[6];
    }
    if (auto decision = authorizer_.cached(identity, attributes)) {
        return respond(*decision, seg, path, query, accept, identity.user);
    }
    authorizer_.authorize_async(identity, attributes,
                                [this, seg = std::move(seg), path, query, accept, user = identity.user,
                                 done = std::move(done)](const Authorization& decision) {
                                    done(respond(decision, seg, path, query, accept, user));
                                });
    return std::nullopt;
}

ApiResponse Router::respond(const Authorization& decision, const std::vector<std::string>& seg,
                            std::string_view path, std::string_view query,
                            std::string_view accept, const std::string& user) const
{
    const bool in_group_version = is_in_group_version(seg);
    const bool metric_path = is_metric_path(seg);
    ApiResponse response;
    if (!decision.allowed) {
        response = error_response(decision.denial, "forbidden");
    } else if (is_debug_path(seg)) {
        response = handle_debug(seg[4], seg[5], query, accept);
    } else if (!accepts_json(accept)) {
        response = error_response(not_acceptable(accept), "other");
    } else if (seg.empty()) {
        response = json_response(render_root_paths(), "root");
    } else if (seg.size() == 1 && seg[0] == "apis") {
        response = json_response(render_api_group_list(), "discovery");
    } else if (seg.size() == 2 && seg[0] == "apis" && seg[1] == kGroup) {
        response = json_response(render_api_group(), "discovery");
    } else if (in_group_version && seg.size() == 3) {
        response = json_response(render_api_resource_list(), "discovery");
    } else if (metric_path && seg.size() == 6) {
        response = handle_metric(seg[4], seg[5], query);
    } else if (metric_path && seg.size() > 6) {
        response = error_response(
            metric_not_found(seg[5] + "/" + seg[6] + " (metric names cannot contain '/')", seg[4]),
            "metric");
    } else if (seg.size() == 1 && seg[0] == "version") {
        nlohmann::ordered_json doc = {{"major", "0"},
                                      {"minor", "1"},
                                      {"gitVersion", config_.version.git_version},
                                      {"gitCommit", config_.version.git_commit},
                                      {"gitTreeState", "clean"},
                                      {"buildDate", config_.version.build_date},
                                      {"goVersion", ""},
                                      {"compiler", "gcc"},
                                      {"platform", "linux/amd64"}};
        response = json_response(doc.dump(), "version");
    } else if (seg.size() == 1 && seg[0] == "metrics") {
        std::string body = metrics_.render();
        if (config_.extra_metrics) {
            body += config_.extra_metrics();
        }
        response = text_response(200, std::move(body), "metrics", kPrometheusText);
    } else if (!seg.empty() && seg[0] == "openapi") {
        // No OpenAPI document is served: the aggregator treats 404 as "no spec" and skips it
        // silently (kubernetes-contracts §2.5), while any other code makes it retry forever.
        response = error_response(path_not_found(path), "openapi");
    } else {
        response = error_response(path_not_found(path), "other");
    }
    response.user = user;
    return response;
}

ApiResponse Router::handle_debug(std::string_view ns, std::string_view metric, std::string_view query,
                                 std::string_view accept) const
{
    if (config_.debug_view == nullptr) {
        return error_response(path_not_found("/apis/" + std::string(kGroup) + "/" + std::string(kVersion) +
                                             "/namespaces/" + std::string(ns) + "/" + std::string(metric) +
                                             "/debug"),
                              "debug");
    }
    if (!is_dns1123_label(ns)) {
        return error_response(bad_request("invalid namespace \"" + std::string(ns) +
                                          "\": must be a lowercase RFC 1123 label"),
                              "debug");
    }
    DebugViewRequest request;
    auto format = query_param(query, "format");
    if (!format) {
        return error_response(format.error(), "debug");
    }
    if (*format == "svg") {
        request.format = DebugViewRequest::Format::Svg;
    } else if (*format && **format != "json") {
        return error_response(bad_request("invalid format \"" + **format + "\": must be json or svg"), "debug");
    } else if (!*format && asks_for_svg(accept)) {
        request.format = DebugViewRequest::Format::Svg;
    } else if (!*format && !accepts_json(accept)) {
        return error_response(
            {406, "NotAcceptable",
             "the debug view is served as application/json or image/svg+xml (got \"" + std::string(accept) + "\")",
             0},
            "debug");
    }
    auto history = duration_param(query, "history", request.history, std::chrono::hours(24 * 31));
    auto horizon = duration_param(query, "horizon", request.horizon, std::chrono::hours(24 * 7));
    auto selector_text = query_param(query, "labelSelector");
    if (!history || !horizon || !selector_text) {
        return error_response(!history ? history.error() : (!horizon ? horizon.error() : selector_text.error()),
                              "debug");
    }
    request.history = *history;
    request.horizon = *horizon;
    auto selector = parse_label_selector(selector_text->value_or(""));
    if (!selector) {
        return error_response(bad_request("invalid labelSelector: " + selector.error().message), "debug");
    }
    auto view = config_.debug_view->debug_view(ns, *selector, {common::lowercase(metric)}, request);
    if (!view) {
        return error_response(view.error(), "debug");
    }
    ApiResponse response;
    response.content_type = std::move(view->content_type);
    response.body = std::move(view->body);
    response.route = "debug";
    return response;
}

ApiResponse Router::handle_metric(std::string_view ns, std::string_view metric,
                                  std::string_view query) const
{
    if (!is_dns1123_label(ns)) {
        return error_response(bad_request("invalid namespace \"" + std::string(ns) +
                                          "\": must be a lowercase RFC 1123 label"),
                              "metric");
    }
    if (metric.empty()) {
        return error_response(metric_not_found(metric, ns), "metric");
    }
    auto selector_text = query_param(query, "labelSelector");
    if (!selector_text) {
        return error_response(selector_text.error(), "metric");
    }
    auto selector = parse_label_selector(selector_text->value_or(""));
    if (!selector) {
        return error_response(bad_request("invalid labelSelector: " + selector.error().message),
                              "metric");
    }
    const ExternalMetricInfo info{common::lowercase(metric)};
    auto values = provider_.get_external_metric(ns, *selector, info);
    if (!values) {
        return error_response(values.error(), "metric");
    }
    if (values->empty()) {
        return error_response(metric_not_found(info.metric, ns), "metric");
    }
    return json_response(render_metric_value_list(*values), "metric");
}

} // namespace ihpa::apiserver
