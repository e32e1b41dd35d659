#include "adapter/source/datadog/datadog_query.hpp"

#include <vector>

namespace ihpa::adapter {

std::expected<void, std::string> check_datadog_query(std::string_view query)
{
    if (query.find_first_not_of(" \t") == std::string_view::npos) {
        return std::unexpected("empty query");
    }
    const auto at = [](std::size_t offset) { return " at offset " + std::to_string(offset); };
    std::vector<char> open;
    for (std::size_t i = 0; i < query.size(); ++i) {
        const char c = query[i];
        if (static_cast<unsigned char>(c) < 0x20) {
            return std::unexpected("control character" + at(i));
        }
        if (c == '(' || c == '{' || c == '[') {
            open.push_back(c == '(' ? ')' : c == '{' ? '}' : ']');
        } else if (c == ')' || c == '}' || c == ']') {
            if (open.empty() || open.back() != c) {
                return std::unexpected(std::string("unexpected '") + c + "'" + at(i));
            }
            open.pop_back();
        } else if (c == ',' && open.empty()) {
            return std::unexpected("a comma outside braces" + at(i) +
                                   " (one query per metric; combine series in the query with "
                                   "functions instead)");
        }
    }
    if (!open.empty()) {
        return std::unexpected(std::string("missing '") + open.back() + "' at the end");
    }
    return {};
}

} // namespace ihpa::adapter
