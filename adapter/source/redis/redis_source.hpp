#pragma once

#include "adapter/source/metric_source.hpp"

#include <chrono>
#include <memory>
#include <string>

struct redisContext;

namespace ihpa::adapter {

/// Where and how a RedisSource connects.
struct RedisOptions {
    std::string host;        ///< TCP host name or address (used when `unix_socket` is empty)
    int port = 6379;         ///< TCP port
    std::string unix_socket; ///< path of the server's Unix socket; when set, host/port are unused
    int database = 0;        ///< logical database (SELECT), >= 0
    std::string username;    ///< ACL user for AUTH; empty: the default user
    std::string password;    ///< AUTH password; empty: no AUTH
    std::chrono::milliseconds timeout{2000}; ///< bounds the connect and every command
};

/// Queue depths and set sizes from Redis (hiredis, blocking): each query is
/// `<COMMAND> <key> [<key>...]` (see `parse_redis_query`) and answers one sample with empty
/// labels, the sum over the keys. Redis only knows the present: `keeps_history()` is false.
/// The connection is opened on the first call and after any I/O error on the next one, so a
/// restarted server is picked up without restarting the adapter. Errors name the server and,
/// for command errors (WRONGTYPE, NOAUTH), the command and key. The process must ignore SIGPIPE
/// (`ihpa serve` does), as with any socket client writing to a peer that may have gone away.
class RedisSource final : public MetricSource {
public:
    /// Connects lazily; `options` are validated by the configuration parser.
    explicit RedisSource(RedisOptions options);
    ~RedisSource() override;
    RedisSource(const RedisSource&) = delete;
    RedisSource& operator=(const RedisSource&) = delete;

    // MetricSource
    /// One sample at `now`: the sum of the command over the query's keys.
    [[nodiscard]] std::expected<std::vector<LabelledSample>, std::string>
    query(const std::string& query, std::chrono::system_clock::time_point now) override;
    /// Every command of every query pipelined in one round trip; a query that fails to parse or
    /// whose command fails gets its own error, an I/O error fails the queries not yet answered.
    [[nodiscard]] std::vector<std::expected<std::vector<LabelledSample>, std::string>>
    query_batch(std::span<const std::string> queries,
                std::chrono::system_clock::time_point now) override;
    /// False: Redis keeps no history of these values.
    [[nodiscard]] bool keeps_history() const override { return false; }
    /// Always an empty result (no history).
    [[nodiscard]] std::expected<std::vector<LabelledRange>, std::string>
    query_range(const std::string& query, std::chrono::system_clock::time_point from,
                std::chrono::system_clock::time_point to, std::chrono::seconds step) override;

private:
    /// Frees a hiredis context.
    struct ContextDeleter {
        void operator()(redisContext* context) const;
    };
    using Context = std::unique_ptr<redisContext, ContextDeleter>;

    /// Opens, authenticates and selects the database unless a connection is open.
    [[nodiscard]] std::expected<void, std::string> ensure_connected();
    /// `host:port` or `unix:<path>`, for messages.
    [[nodiscard]] std::string endpoint() const;

    RedisOptions options_;
    Context context_;
};

} // namespace ihpa::adapter
