#include "net/http_message.hpp"

#include <algorithm>
#include <cctype>

namespace ihpa::net {

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string HttpResponse::header(std::string_view name) const
{
    const auto found = std::find_if(headers.begin(), headers.end(),
                                    [&](const auto& field) { return iequals(field.first, name); });
    return found == headers.end() ? std::string() : found->second;
}

} // namespace ihpa::net
