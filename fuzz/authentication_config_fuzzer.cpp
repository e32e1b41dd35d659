// The kube-system/extension-apiserver-authentication ConfigMap (JSON, as the apiserver returns
// it): strict parsing of its keys and CAs (PEM through OpenSSL), then the settings it completes.
#include "auth/authentication_config.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    const auto config_map = nlohmann::json::parse(fuzz::as_text(data, size), nullptr, false);
    if (config_map.is_discarded()) {
        return 0;
    }
    const auto config = auth::parse_authentication_config(config_map);
    if (!config) {
        fuzz::require(!config.error().empty(), "a rejected ConfigMap says why");
        return 0;
    }
    fuzz::require(!config->client_ca_pem.empty() || !config->requestheader_client_ca_pem.empty(),
                  "an accepted ConfigMap has a CA");
    const auto settings = auth::complete_from_cluster(apiserver::AuthenticationSettings{}, *config);
    if (!settings) {
        fuzz::require(!settings.error().empty(), "a CA that does not load is named");
    }
    return 0;
}
