#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ihpa::net {

/// Header fields in the order they were set or received; names compare case-insensitively.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// One HTTP request.
struct HttpRequest {
    std::string method = "GET";
    std::string url; ///< absolute: http:// or https://host[:port]/path?query
    HttpHeaders headers;
    std::string body;
};

/// A server's answer (any status; deciding what a status means is the caller's job).
struct HttpResponse {
    int status = 0;
    HttpHeaders headers;
    std::string body;

    /// The first header named `name` (case-insensitive), or empty.
    [[nodiscard]] std::string header(std::string_view name) const;
};

/// True when `a` and `b` are equal ignoring ASCII case (header names, schemes).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

} // namespace ihpa::net
