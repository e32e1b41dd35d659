#include "apiserver/tls_context.hpp"

#include "apiserver/tls_identity.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include <openssl/ssl.h>

namespace ihpa::apiserver {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;

constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

} // namespace

void configure_tls_context(ssl::context& ctx, const ServingCertificate& serving)
{
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::single_dh_use | ssl::context::no_compression);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx.native_handle(), kCipherList);
    serving.install(ctx.native_handle());
    static constexpr unsigned char kSessionContext[] = "ihpa";
    SSL_CTX_set_session_id_context(ctx.native_handle(), kSessionContext, sizeof kSessionContext - 1);
    // Ask every client for a certificate but let the handshake finish whatever it sends: the
    // session verifies it against the CAs in force (they change at run time) and the router
    // answers a 401 Status saying what was wrong. No CA names are sent: a client whose CA is
    // not among them would otherwise keep its certificate to itself.
    ctx.set_verify_mode(ssl::verify_peer);
    ctx.set_verify_callback([](bool, ssl::verify_context&) { return true; });
}

} // namespace ihpa::apiserver
