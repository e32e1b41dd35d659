#pragma once

#include "apiserver/options.hpp"

#include <expected>
#include <string>

namespace boost::asio::ssl {
class context; // declared only: Asio stays out of headers
}

namespace ihpa::apiserver {

/// Sets up `ctx` for serving external metrics: TLS 1.2+ with forward-secret AEAD ciphers, the
/// serving certificate from `--tls-cert-file`/`--tls-private-key-file` (or a generated
/// self-signed one, with a warning), and, with `--requestheader-client-ca-file`, a request for a
/// client certificate that never fails the handshake (the router answers 401 instead). The
/// error names the flag or step that failed.
[[nodiscard]] std::expected<void, std::string>
configure_tls_context(boost::asio::ssl::context& ctx, const ServerOptions& options);

} // namespace ihpa::apiserver
