#include "net/url.hpp"

#include "net/http_message.hpp"

#include <curl/curl.h>

#include <memory>

namespace ihpa::net {
namespace {

struct UrlDeleter {
    void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlStringDeleter {
    void operator()(char* text) const { curl_free(text); }
};

/// The part `which` of `handle`, or empty when the URL has none.
std::string part(CURLU* handle, CURLUPart which, unsigned int flags = 0)
{
    char* raw = nullptr;
    if (curl_url_get(handle, which, &raw, flags) != CURLUE_OK || raw == nullptr) {
        return {};
    }
    const std::unique_ptr<char, CurlStringDeleter> owned(raw);
    return owned.get();
}

std::unexpected<std::string> invalid(std::string_view url, std::string_view why)
{
    return std::unexpected("invalid URL \"" + std::string(url) + "\": " + std::string(why));
}

/// A CURLU holding `url`, checked to be http(s) without credentials.
std::expected<UrlHandle, std::string> parse(std::string_view url)
{
    UrlHandle handle(curl_url());
    if (!handle) {
        return std::unexpected("out of memory parsing a URL");
    }
    const std::string text(url);
    if (const CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
        rc != CURLUE_OK) {
        return invalid(url, curl_url_strerror(rc));
    }
    const std::string scheme = part(handle.get(), CURLUPART_SCHEME);
    if (!iequals(scheme, "http") && !iequals(scheme, "https")) {
        return invalid(url, "unsupported scheme \"" + scheme + "\" (expected http or https)");
    }
    if (!part(handle.get(), CURLUPART_USER).empty() ||
        !part(handle.get(), CURLUPART_PASSWORD).empty()) {
        return invalid(url, "credentials in the URL are not supported");
    }
    return handle;
}

} // namespace

std::expected<HttpUrl, std::string> parse_http_url(std::string_view url)
{
    auto handle = parse(url);
    if (!handle) {
        return std::unexpected(handle.error());
    }
    HttpUrl out;
    out.tls = iequals(part(handle->get(), CURLUPART_SCHEME), "https");
    out.host = part(handle->get(), CURLUPART_HOST);
    if (out.host.size() > 2 && out.host.front() == '[') {
        out.host = out.host.substr(1, out.host.size() - 2);
    }
    out.port = part(handle->get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    out.target = part(handle->get(), CURLUPART_PATH);
    if (out.target.empty()) {
        out.target = "/";
    }
    if (const std::string query = part(handle->get(), CURLUPART_QUERY); !query.empty()) {
        out.target += "?" + query;
    }
    return out;
}

std::string authority(const HttpUrl& url)
{
    const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    const bool default_port = url.port == (url.tls ? "443" : "80");
    return default_port ? host : host + ":" + url.port;
}

std::expected<std::string, std::string>
join_url(std::string_view base, std::string_view path, const QueryParameters& query)
{
    auto handle = parse(base);
    if (!handle) {
        return std::unexpected(handle.error());
    }
    std::string joined = part(handle->get(), CURLUPART_PATH);
    while (!joined.empty() && joined.back() == '/') {
        joined.pop_back();
    }
    joined += path;
    if (curl_url_set(handle->get(), CURLUPART_PATH, joined.c_str(), 0) != CURLUE_OK) {
        return invalid(base, "cannot append the path \"" + std::string(path) + "\"");
    }
    for (const auto& [name, value] : query) {
        const std::string pair = name + "=" + value;
        if (curl_url_set(handle->get(), CURLUPART_QUERY, pair.c_str(),
                         CURLU_APPENDQUERY | CURLU_URLENCODE) != CURLUE_OK) {
            return invalid(base, "cannot append the query parameter \"" + name + "\"");
        }
    }
    return part(handle->get(), CURLUPART_URL);
}

} // namespace ihpa::net
