#include "apiserver/options.hpp"

#include <arpa/inet.h>

namespace ihpa::apiserver {

std::vector<std::string> ServerOptions::validate() const
{
    std::vector<std::string> errors;
    unsigned char addr[16];
    if (inet_pton(AF_INET, bind_address.c_str(), addr) != 1 &&
        inet_pton(AF_INET6, bind_address.c_str(), addr) != 1) {
        errors.push_back("--bind-address \"" + bind_address + "\" is not an IP address");
    }
    if (secure_port < 0 || secure_port > 65535) {
        errors.push_back("--secure-port " + std::to_string(secure_port) +
                         " must be between 0 and 65535");
    }
    if (tls_cert_file.empty() != tls_private_key_file.empty()) {
        errors.push_back("--tls-cert-file and --tls-private-key-file must be given together");
    }
    if (!requestheader_allowed_names.empty() && requestheader_client_ca_file.empty()) {
        errors.push_back("--requestheader-allowed-names needs --requestheader-client-ca-file");
    }
    if (threads < 0 || threads > 256) {
        errors.push_back("--threads " + std::to_string(threads) + " must be between 0 and 256");
    }
    if (max_connections < 1) {
        errors.push_back("--max-connections must be at least 1");
    }
    if (max_requests_inflight < 1) {
        errors.push_back("--max-requests-inflight must be at least 1");
    }
    return errors;
}

} // namespace ihpa::apiserver
