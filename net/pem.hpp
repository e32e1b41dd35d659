#pragma once

#include "net/http_client.hpp"

#include <expected>
#include <string>

namespace ihpa::net {

/// Checks that `source` holds at least one parseable PEM certificate; `what` names it in the
/// error ("CA", "client certificate").
[[nodiscard]] std::expected<void, std::string> check_certificates(const PemSource& source,
                                                                  const std::string& what);

/// Checks that `source` holds a parseable, unencrypted PEM private key.
[[nodiscard]] std::expected<void, std::string> check_private_key(const PemSource& source);

/// Checks every PEM source of `tls` (a certificate needs its key and the reverse).
[[nodiscard]] std::expected<void, std::string> check_tls_options(const TlsOptions& tls);

} // namespace ihpa::net
