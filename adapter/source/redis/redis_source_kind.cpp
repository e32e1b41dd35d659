#include "adapter/source/redis/redis_source_kind.hpp"

#include "adapter/source/redis/redis_query.hpp"
#include "adapter/source/redis/redis_source.hpp"
#include "adapter/source/source_options.hpp"

#include <charconv>
#include <climits>
#include <cmath>

namespace ihpa::adapter {
namespace {

namespace cp = config_parse;

/// Splits `host:port` (`[v6-address]:port` too) into `options`; false when malformed.
bool parse_address(const std::string& address, RedisOptions& options)
{
    const std::size_t colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return false;
    }
    std::string host = address.substr(0, colon);
    if (host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    int port = 0;
    const char* begin = address.data() + colon + 1;
    const char* end = address.data() + address.size();
    const auto [stop, error] = std::from_chars(begin, end, port);
    if (host.empty() || begin == end || error != std::errc{} || stop != end || port < 1 ||
        port > 65535) {
        return false;
    }
    options.host = std::move(host);
    options.port = port;
    return true;
}

std::optional<SourceFactory> parse_options(const YAML::Node& node, const std::string& what,
                                           cp::Problems& problems)
{
    if (!cp::check_mapping(node, what,
                           {"address", "unixSocket", "database", "username", "password",
                            "passwordFile", "passwordEnv", "timeout"},
                           problems)) {
        return std::nullopt;
    }
    bool valid = true;
    RedisOptions options;
    const auto address = cp::optional_string(node, "address", what, problems);
    const auto socket = cp::optional_string(node, "unixSocket", what, problems);
    valid = absent_or_valid(node, "address", address) && absent_or_valid(node, "unixSocket", socket);
    if (node["address"] && node["unixSocket"]) {
        problems.add(node["unixSocket"], what + " takes either address or unixSocket, not both");
        valid = false;
    } else if (!node["address"] && !node["unixSocket"]) {
        problems.add(node, what + " needs \"address\" (host:port) or \"unixSocket\"");
        valid = false;
    }
    if (address && !parse_address(*address, options)) {
        problems.add(node["address"], what + ".address must be host:port with a port in 1-65535, "
                                             "got \"" + *address + "\"");
        valid = false;
    }
    options.unix_socket = socket.value_or("");
    const auto database = cp::optional_number(node, "database", what, 0, INT_MAX, problems);
    valid = valid && absent_or_valid(node, "database", database);
    if (database && std::floor(*database) != *database) {
        problems.add(node["database"], what + ".database must be a whole number");
        valid = false;
    }
    options.database = static_cast<int>(database.value_or(0));
    const auto username = cp::optional_string(node, "username", what, problems);
    valid = valid && absent_or_valid(node, "username", username);
    options.username = username.value_or("");
    auto password = parse_secret_source(node, "password", what, false, valid, problems);
    if (username && !password && valid) {
        problems.add(node["username"], what + ".username needs passwordFile or passwordEnv");
        valid = false;
    }
    const auto timeout = cp::optional_duration(node, "timeout", what, std::chrono::milliseconds(1),
                                               std::chrono::minutes(1), problems);
    valid = valid && absent_or_valid(node, "timeout", timeout);
    options.timeout = timeout.value_or(options.timeout);
    if (!valid) {
        return std::nullopt;
    }
    return SourceFactory(
        [options, password](const SourceContext& context)
            -> std::expected<std::shared_ptr<MetricSource>, std::string> {
            RedisOptions resolved = options;
            if (password) {
                auto secret = load_secret(*password, context.resolve);
                if (!secret) {
                    return std::unexpected("redis " + secret.error());
                }
                resolved.password = std::move(*secret);
            }
            return std::make_shared<RedisSource>(std::move(resolved));
        });
}

std::expected<void, std::string> check_query(std::string_view query)
{
    auto parsed = parse_redis_query(query);
    if (!parsed) {
        return std::unexpected(parsed.error());
    }
    return {};
}

} // namespace

SourceKind redis_source_kind()
{
    return SourceKind{"redis", &parse_options, &check_query};
}

} // namespace ihpa::adapter
