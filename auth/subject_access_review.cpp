#include "auth/subject_access_review.hpp"

namespace ihpa::auth {
namespace {

using nlohmann::json;

/// Sets `object[key] = value` unless `value` is empty (Go's `omitempty`).
template <typename Value>
void set_unless_empty(json& object, const char* key, const Value& value)
{
    if (!value.empty()) {
        object[key] = value;
    }
}

std::string quoted(const std::string& text)
{
    // Go's %q; Kubernetes names need no escapes but a user name might.
    return json(text).dump();
}

} // namespace

json subject_access_review(const User& user, const apiserver::RequestAttributes& attributes)
{
    json spec = json::object();
    if (attributes.resource_request) {
        json resource = json::object();
        set_unless_empty(resource, "namespace", attributes.ns);
        set_unless_empty(resource, "verb", attributes.verb);
        set_unless_empty(resource, "group", attributes.api_group);
        set_unless_empty(resource, "version", attributes.api_version);
        set_unless_empty(resource, "resource", attributes.resource);
        set_unless_empty(resource, "name", attributes.name);
        spec["resourceAttributes"] = std::move(resource);
    } else {
        json non_resource = json::object();
        set_unless_empty(non_resource, "path", attributes.path);
        set_unless_empty(non_resource, "verb", attributes.verb);
        spec["nonResourceAttributes"] = std::move(non_resource);
    }
    set_unless_empty(spec, "user", user.identity.user);
    set_unless_empty(spec, "uid", user.identity.uid);
    set_unless_empty(spec, "groups", user.identity.groups);
    set_unless_empty(spec, "extra", user.identity.extra);
    return {{"apiVersion", "authorization.k8s.io/v1"},
            {"kind", "SubjectAccessReview"},
            {"metadata", {{"creationTimestamp", nullptr}}},
            {"spec", std::move(spec)}};
}

Decision decision_from_review(const json& review)
{
    const auto status = review.find("status");
    if (!review.is_object() || status == review.end() || !status->is_object()) {
        return {false, "the SubjectAccessReview answer has no status", ""};
    }
    const auto text = [&](const char* key) {
        const auto found = status->find(key);
        return found != status->end() && found->is_string() ? found->get<std::string>() : std::string();
    };
    const auto allowed = status->find("allowed");
    return {allowed != status->end() && allowed->is_boolean() && allowed->get<bool>(), text("reason"),
            text("evaluationError")};
}

apiserver::ApiError forbidden_error(const apiserver::Identity& identity,
                                    const apiserver::RequestAttributes& attributes, const Decision& decision)
{
    std::string message;
    if (attributes.resource_request) {
        const std::string qualified =
            attributes.resource + (attributes.api_group.empty() ? "" : "." + attributes.api_group);
        message = qualified + " is forbidden: User " + quoted(identity.user) + " cannot " + attributes.verb +
                  " resource " + quoted(attributes.resource) + " in API group " + quoted(attributes.api_group) +
                  (attributes.ns.empty() ? " at the cluster scope" : " in the namespace " + quoted(attributes.ns));
    } else {
        message = "forbidden: User " + quoted(identity.user) + " cannot " + attributes.verb + " path " +
                  quoted(attributes.path);
    }
    if (!decision.reason.empty()) {
        message += ": " + decision.reason;
    }
    return {403, "Forbidden", message, 0};
}

} // namespace ihpa::auth
