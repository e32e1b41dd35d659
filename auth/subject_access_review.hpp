#pragma once

#include "apiserver/api_error.hpp"
#include "apiserver/authn.hpp"
#include "auth/user.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ihpa::auth {

/// The answer to "may this user do this?".
struct Decision {
    bool allowed = false;
    /// Why: the reviewer's status.reason, or what failed when the review could not be made.
    std::string reason{};
    /// The reviewer's status.evaluationError (an authorizer it could not consult), for logs.
    std::string evaluation_error{};
};

/// The `authorization.k8s.io/v1` SubjectAccessReview k8s.io/apiserver's webhook authorizer
/// sends for `user` doing `attributes`: spec.user/uid/groups/extra, and resourceAttributes
/// {namespace, verb, group, version, resource} for a resource request (a metric read) or
/// nonResourceAttributes {path, verb} for anything else (discovery, OpenAPI). Empty fields are
/// left out, as Go's `omitempty` does.
[[nodiscard]] nlohmann::json subject_access_review(const User& user, const apiserver::RequestAttributes& attributes);

/// The decision in a SubjectAccessReview answer: allowed when status.allowed is true;
/// otherwise denied (status.denied, or no opinion, which a delegating server also refuses),
/// with status.reason and status.evaluationError. An answer without a status object is a deny
/// saying so.
[[nodiscard]] Decision decision_from_review(const nlohmann::json& review);

/// The 403 Forbidden k8s.io/apiserver answers on a deny: for a metric read
/// `m.external.metrics.k8s.io is forbidden: User "x" cannot list resource "m" in API group
/// "external.metrics.k8s.io" in the namespace "ns"` (`at the cluster scope` without a
/// namespace); for other paths `forbidden: User "x" cannot get path "/openapi/v2"`; the
/// decision's reason, when there is one, follows after `: `.
[[nodiscard]] apiserver::ApiError forbidden_error(const apiserver::Identity& identity,
                                                  const apiserver::RequestAttributes& attributes,
                                                  const Decision& decision);

} // namespace ihpa::auth
