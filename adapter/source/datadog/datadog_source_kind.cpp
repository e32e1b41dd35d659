#include "adapter/source/datadog/datadog_source_kind.hpp"

#include "adapter/source/datadog/datadog_query.hpp"
#include "adapter/source/datadog/datadog_source.hpp"
#include "adapter/source/source_options.hpp"

#include <algorithm>

namespace ihpa::adapter {
namespace {

namespace cp = config_parse;
using std::chrono::milliseconds;

/// A Datadog site is a DNS name (`datadoghq.com`, `us5.datadoghq.com`, `datadoghq.eu`).
bool valid_site(const std::string& site)
{
    return site.front() != '.' && site.back() != '.' && site.find('.') != std::string::npos &&
           std::all_of(site.begin(), site.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
           });
}

std::string describe(const SecretSource& source)
{
    return source.setting + " " + source.name;
}

std::optional<SourceFactory> parse_options(const YAML::Node& node, const std::string& what,
                                           cp::Problems& problems)
{
    if (!cp::check_mapping(node, what,
                           {"site", "apiKey", "apiKeyFile", "apiKeyEnv", "appKey", "appKeyFile",
                            "appKeyEnv", "timeout", "lookback"},
                           problems)) {
        return std::nullopt;
    }
    bool valid = true;
    DatadogOptions options;
    const auto site = cp::optional_string(node, "site", what, problems);
    valid = absent_or_valid(node, "site", site);
    if (site && !valid_site(*site)) {
        problems.add(node["site"], what + ".site must be a Datadog site such as datadoghq.com or "
                                          "us5.datadoghq.com, got \"" + *site + "\"");
        valid = false;
    }
    options.site = site.value_or(options.site);
    const auto api_key = parse_secret_source(node, "apiKey", what, true, valid, problems);
    const auto app_key = parse_secret_source(node, "appKey", what, true, valid, problems);
    const auto timeout = cp::optional_duration(node, "timeout", what, milliseconds(100),
                                               std::chrono::minutes(5), problems);
    const auto lookback = cp::optional_duration(node, "lookback", what, std::chrono::minutes(1),
                                                std::chrono::hours(24), problems);
    valid = valid && absent_or_valid(node, "timeout", timeout) &&
            absent_or_valid(node, "lookback", lookback);
    if (!valid || !api_key || !app_key) {
        return std::nullopt;
    }
    options.lookback = std::chrono::duration_cast<std::chrono::seconds>(
        lookback.value_or(milliseconds(options.lookback)));
    options.key_source = describe(*api_key) + ", " + describe(*app_key);
    net::HttpClientOptions client_options;
    client_options.timeout = timeout.value_or(milliseconds(10000));
    return SourceFactory(
        [options, client_options, api_key = *api_key, app_key = *app_key](
            const SourceContext& context)
            -> std::expected<std::shared_ptr<MetricSource>, std::string> {
            DatadogOptions resolved = options;
            auto api = load_secret(api_key, context.resolve);
            auto app = load_secret(app_key, context.resolve);
            if (!api || !app) {
                return std::unexpected("datadog " + (api ? app.error() : api.error()));
            }
            resolved.api_key = std::move(*api);
            resolved.app_key = std::move(*app);
            auto client = net::make_http_client(client_options);
            if (!client) {
                return std::unexpected("datadog: " + client.error());
            }
            return std::make_shared<DatadogSource>(std::move(resolved), std::move(*client),
                                                   context.clock);
        });
}

} // namespace

SourceKind datadog_source_kind()
{
    return SourceKind{"datadog", &parse_options, &check_datadog_query};
}

} // namespace ihpa::adapter
