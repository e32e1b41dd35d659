#pragma once

#include "apiserver/authn.hpp"

#include <string>

namespace ihpa::auth {

/// An authenticated caller as Kubernetes' `user.Info`: the identity the server's authorizer
/// sees plus the UID a TokenReview reports (request-header authentication gives none).
struct User {
    apiserver::Identity identity;
    std::string uid{};
};

} // namespace ihpa::auth
