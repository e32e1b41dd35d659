#include "net/curl_global.hpp"

#include <curl/curl.h>

namespace ihpa::net {

std::expected<void, std::string> init_curl_once()
{
    // A function-local static is initialised exactly once, even with concurrent callers.
    static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (result != CURLE_OK) {
        return std::unexpected(std::string("curl_global_init failed: ") + curl_easy_strerror(result));
    }
    return {};
}

} // namespace ihpa::net
