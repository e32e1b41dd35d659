#pragma once

#include "apiserver/authn.hpp"

#include <string>

namespace ihpa::auth {

/// An authenticated caller as Kubernetes' `user.Info` (name, UID, groups, extra).
struct User {
    apiserver::Identity identity;
};

} // namespace ihpa::auth
