#pragma once

#include "apiserver/options.hpp"
#include "apiserver/serving_certificate.hpp"

#include <expected>
#include <string>

namespace boost::asio::ssl {
class context; // declared only: Asio stays out of headers
}

namespace ihpa::apiserver {

/// Sets up `ctx` for serving external metrics: TLS 1.2+ with forward-secret AEAD ciphers, the
/// serving certificate `serving` (read on each handshake, so reloads apply to new
/// connections; it must outlive `ctx`), and, with `--requestheader-client-ca-file`, a request for a
/// client certificate that never fails the handshake (the router answers 401 instead). The
/// error names the flag or step that failed.
[[nodiscard]] std::expected<void, std::string>
configure_tls_context(boost::asio::ssl::context& ctx, const ServerOptions& options,
                      const ServingCertificate& serving);

} // namespace ihpa::apiserver
