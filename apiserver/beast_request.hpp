#pragma once
// The router's view of a request Beast parsed. Inline so that Beast stays in the translation
// units that parse HTTP (session.cpp and the router's fuzz target) instead of gaining one.

#include "apiserver/router.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace ihpa::apiserver {

/// `request` as the router reads it: method, target, Accept and every header as views into
/// `request` (valid while it lives and is not modified), and `certificate` (may be null).
inline ApiRequest to_api_request(
    const boost::beast::http::request<boost::beast::http::string_body>& request,
    const ClientCertificate* certificate)
{
    const auto view = [](boost::beast::string_view s) { return std::string_view(s.data(), s.size()); };
    ApiRequest api_request;
    api_request.method = view(request.method_string());
    api_request.target = view(request.target());
    api_request.accept = view(request[boost::beast::http::field::accept]);
    api_request.certificate = certificate;
    for (const auto& field : request) {
        api_request.headers.emplace_back(view(field.name_string()), view(field.value()));
    }
    return api_request;
}

} // namespace ihpa::apiserver
