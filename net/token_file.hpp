#pragma once

#include "net/http_client.hpp"

#include <string>

namespace ihpa::net {

/// A bearer token supplier reading `path` (a service-account or kubeconfig tokenFile): the
/// file is read again whenever its modification time or size changed, so a rotated token is
/// used from the next request on. Surrounding whitespace is trimmed; an unreadable or empty
/// file is an error naming it. Thread-safe.
[[nodiscard]] TokenSupplier token_file_supplier(const std::string& path);

} // namespace ihpa::net
