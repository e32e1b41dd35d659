#pragma once

#include "apiserver/serving_certificate.hpp"

namespace boost::asio::ssl {
class context; // declared only: Asio stays out of headers
}

namespace ihpa::apiserver {

/// Sets up `ctx` for serving external metrics: TLS 1.2+ with forward-secret AEAD ciphers, the
/// serving certificate `serving` (read on each handshake, so reloads apply to new
/// connections; it must outlive `ctx`), and a request for a client certificate that never fails
/// the handshake (the session verifies it against the CAs in force; the router answers 401).
void configure_tls_context(boost::asio::ssl::context& ctx, const ServingCertificate& serving);

} // namespace ihpa::apiserver
