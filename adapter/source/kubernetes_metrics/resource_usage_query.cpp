#include "adapter/source/kubernetes_metrics/resource_usage_query.hpp"

#include "common/text.hpp"
#include "common/url.hpp"

#include <cctype>

namespace ihpa::adapter::kubernetes_metrics {
namespace {

bool is_space(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

/// Splits off the first word of `text` (after leading spaces).
std::string_view next_word(std::string_view& text)
{
    text = common::trim(text);
    std::size_t end = 0;
    while (end < text.size() && !is_space(text[end])) {
        ++end;
    }
    const std::string_view word = text.substr(0, end);
    text.remove_prefix(end);
    return word;
}

/// A DNS-1123 label: 1-63 lowercase alphanumerics or '-', starting and ending alphanumeric
/// (namespace and container names).
bool is_dns_label(std::string_view name)
{
    if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-') {
        return false;
    }
    for (const char c : name) {
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
              c == '-')) {
            return false;
        }
    }
    return true;
}

/// Removes a trailing `container <name>` clause from `text`, returning the name.
std::optional<std::string_view> take_container_clause(std::string_view& text)
{
    text = common::trim(text);
    const std::size_t last_space = text.find_last_of(" \t\r\n\f\v");
    if (last_space == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view before = common::trim(text.substr(0, last_space));
    constexpr std::string_view keyword = "container";
    if (!before.ends_with(keyword)) {
        return std::nullopt;
    }
    const std::size_t keyword_at = before.size() - keyword.size();
    if (keyword_at > 0 && !is_space(before[keyword_at - 1])) {
        return std::nullopt;
    }
    const std::string_view name = text.substr(last_space + 1);
    text = before.substr(0, keyword_at);
    return name;
}

} // namespace

std::string ResourceUsageQuery::list_path() const
{
    std::string path = "/apis/metrics.k8s.io/v1beta1/namespaces/" + namespace_name + "/pods";
    if (!selector.empty()) {
        path += "?labelSelector=" + common::percent_encode(selector);
    }
    return path;
}

std::expected<ResourceUsageQuery, std::string> parse_resource_usage_query(std::string_view text)
{
    ResourceUsageQuery query;
    std::string_view rest = text;
    const std::string_view resource = next_word(rest);
    if (resource == "cpu") {
        query.resource = Resource::Cpu;
    } else if (resource == "memory") {
        query.resource = Resource::Memory;
    } else {
        return std::unexpected("unknown resource \"" + std::string(resource) +
                               "\" (known: cpu, memory); the query reads "
                               "<cpu|memory> in <namespace> [where <selector>] [container <name>]");
    }
    if (next_word(rest) != "in") {
        return std::unexpected("expected \"in <namespace>\" after \"" + std::string(resource) + "\"");
    }
    const std::string_view namespace_name = next_word(rest);
    if (!is_dns_label(namespace_name)) {
        return std::unexpected("\"" + std::string(namespace_name) +
                               "\" is not a namespace name (a DNS-1123 label)");
    }
    query.namespace_name = std::string(namespace_name);
    if (const auto container = take_container_clause(rest)) {
        if (!is_dns_label(*container)) {
            return std::unexpected("\"" + std::string(*container) +
                                   "\" is not a container name (a DNS-1123 label)");
        }
        query.container = std::string(*container);
    }
    rest = common::trim(rest);
    if (rest.empty()) {
        return query;
    }
    const std::string_view clause = rest;
    if (next_word(rest) != "where") {
        return std::unexpected("expected \"where <selector>\" or \"container <name>\" after the "
                               "namespace, got \"" + std::string(clause) + "\"");
    }
    const std::string_view selector = common::trim(rest);
    if (selector.empty()) {
        return std::unexpected("\"where\" needs a label selector");
    }
    if (const auto parsed = apiserver::parse_label_selector(selector); !parsed) {
        return std::unexpected("invalid label selector \"" + std::string(selector) + "\": " + parsed.error().message);
    }
    query.selector = std::string(selector);
    return query;
}

} // namespace ihpa::adapter::kubernetes_metrics
