#include "adapter/source/prometheus/prometheus_source_kind.hpp"

#include "adapter/source/prometheus/prometheus_source.hpp"
#include "net/url.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace ihpa::adapter {
namespace {

namespace cp = config_parse;
using std::chrono::milliseconds;

/// RFC 9110 token characters (header names).
bool is_token(std::string_view name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

/// The options in `node`; problems are added to `problems` (the result is meaningless then).
PrometheusSourceOptions read_options(const YAML::Node& node, const std::string& what,
                                     cp::Problems& problems)
{
    PrometheusSourceOptions options;
    if (!cp::check_mapping(node, what,
                           {"url", "timeout", "bearerTokenFile", "caFile", "insecureSkipVerify",
                            "clientCertFile", "clientKeyFile", "headers"},
                           problems)) {
        return options;
    }
    if (auto url = cp::required_string(node, "url", what, problems)) {
        if (auto parsed = net::parse_http_url(*url); !parsed) {
            problems.add(node["url"], what + ".url: " + parsed.error());
        }
        options.url = *url;
    }
    options.timeout = cp::optional_duration(node, "timeout", what, milliseconds(100),
                                            milliseconds(300'000), problems)
                          .value_or(options.timeout);
    options.bearer_token_file =
        cp::optional_string(node, "bearerTokenFile", what, problems).value_or("");
    options.ca_file = cp::optional_string(node, "caFile", what, problems).value_or("");
    options.insecure_skip_verify =
        cp::optional_bool(node, "insecureSkipVerify", what, problems).value_or(false);
    options.client_cert_file =
        cp::optional_string(node, "clientCertFile", what, problems).value_or("");
    options.client_key_file = cp::optional_string(node, "clientKeyFile", what, problems).value_or("");
    if (options.client_cert_file.empty() != options.client_key_file.empty()) {
        problems.add(node, what + " needs both clientCertFile and clientKeyFile, or neither");
    }
    if (const YAML::Node headers = node["headers"]) {
        const auto map = cp::string_map(headers, what + ".headers", problems);
        for (const auto& [name, value] : map.value_or(decltype(options.headers){})) {
            if (!is_token(name)) {
                problems.add(headers, what + ".headers: invalid header name \"" + name + "\"");
            } else if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
                problems.add(headers, what + ".headers." + name +
                                          ": the value must not contain line breaks or NUL");
            } else {
                options.headers.emplace_back(name, value);
            }
        }
    }
    return options;
}

} // namespace

std::expected<void, std::string> check_promql_syntax(std::string_view query)
{
    if (query.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return std::unexpected("the query is empty");
    }
    std::string open; // the brackets still open, innermost last
    std::vector<std::size_t> open_at;
    for (std::size_t i = 0; i < query.size(); ++i) {
        const char c = query[i];
        if (c == '#') {
            i = std::min(query.find('\n', i), query.size());
        } else if (c == '"' || c == '\'' || c == '`') {
            const std::size_t start = i;
            for (++i; i < query.size() && query[i] != c; ++i) {
                if (c != '`' && query[i] == '\\') {
                    ++i;
                }
            }
            if (i >= query.size()) {
                return std::unexpected("unterminated string starting at offset " +
                                       std::to_string(start));
            }
        } else if (c == '(' || c == '{' || c == '[') {
            open += c;
            open_at.push_back(i);
        } else if (c == ')' || c == '}' || c == ']') {
            const char expected = c == ')' ? '(' : c == '}' ? '{' : '[';
            if (open.empty() || open.back() != expected) {
                return std::unexpected(std::string("unexpected '") + c + "' at offset " +
                                       std::to_string(i));
            }
            open.pop_back();
            open_at.pop_back();
        }
    }
    if (!open.empty()) {
        return std::unexpected(std::string("unclosed '") + open.back() + "' at offset " +
                               std::to_string(open_at.back()));
    }
    return {};
}

SourceKind prometheus_source_kind()
{
    return SourceKind{
        .name = "prometheus",
        .parse = [](const YAML::Node& node, const std::string& what,
                    config_parse::Problems& problems) -> std::optional<SourceFactory> {
            PrometheusSourceOptions options = read_options(node, what, problems);
            // The whole configuration is rejected when any problem was found, here or before.
            if (!problems.empty()) {
                return std::nullopt;
            }
            return SourceFactory(
                [options](const SourceContext&)
                    -> std::expected<std::shared_ptr<MetricSource>, std::string> {
                    if (!options.bearer_token_file.empty() &&
                        !std::ifstream(options.bearer_token_file)) {
                        return std::unexpected("cannot read bearer token file " +
                                               options.bearer_token_file);
                    }
                    auto source = make_prometheus_source(options);
                    if (!source) {
                        return std::unexpected(source.error());
                    }
                    return std::shared_ptr<MetricSource>(std::move(*source));
                });
        },
        .check_query = [](std::string_view query) { return check_promql_syntax(query); },
    };
}

} // namespace ihpa::adapter
