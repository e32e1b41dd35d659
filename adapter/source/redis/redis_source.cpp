#include "adapter/source/redis/redis_source.hpp"

#include "adapter/source/redis/redis_query.hpp"
#include "adapter/source/redis/redis_reply.hpp"

#include <hiredis.h>

#include <optional>
#include <string_view>

namespace ihpa::adapter {
namespace {

struct ReplyDeleter {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
using Answer = std::expected<std::vector<LabelledSample>, std::string>;

timeval to_timeval(std::chrono::milliseconds timeout)
{
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    return timeval{static_cast<time_t>(seconds.count()),
                   static_cast<suseconds_t>((timeout - seconds).count() * 1000)};
}

/// Queues one command in the context's output buffer (sent by the next read).
bool append(redisContext& context, std::initializer_list<std::string_view> argv)
{
    std::vector<const char*> args;
    std::vector<std::size_t> lengths;
    for (std::string_view arg : argv) {
        args.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    return redisAppendCommandArgv(&context, static_cast<int>(args.size()), args.data(),
                                  lengths.data()) == REDIS_OK;
}

/// The next reply; null after an I/O error (`context.errstr` says which).
Reply next_reply(redisContext& context)
{
    void* raw = nullptr;
    if (redisGetReply(&context, &raw) != REDIS_OK) {
        return nullptr;
    }
    return Reply(static_cast<redisReply*>(raw));
}

/// Runs one command during connection set-up; an error reply or I/O error is described as
/// `<what> failed: <why>`.
std::expected<void, std::string> run_setup(redisContext& context, std::string_view what,
                                           std::initializer_list<std::string_view> argv)
{
    Reply reply = append(context, argv) ? next_reply(context) : nullptr;
    if (!reply) {
        return std::unexpected(std::string(what) + " failed: " + context.errstr);
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        return std::unexpected(std::string(what) + " failed: " +
                               std::string(reply->str, reply->len));
    }
    return {};
}

} // namespace

void RedisSource::ContextDeleter::operator()(redisContext* context) const
{
    redisFree(context);
}

RedisSource::RedisSource(RedisOptions options) : options_(std::move(options)) {}

RedisSource::~RedisSource() = default;

std::string RedisSource::endpoint() const
{
    if (!options_.unix_socket.empty()) {
        return "unix:" + options_.unix_socket;
    }
    return options_.host + ":" + std::to_string(options_.port);
}

std::expected<void, std::string> RedisSource::ensure_connected()
{
    if (context_) {
        return {};
    }
    const timeval timeout = to_timeval(options_.timeout);
    Context context(options_.unix_socket.empty()
                        ? redisConnectWithTimeout(options_.host.c_str(), options_.port, timeout)
                        : redisConnectUnixWithTimeout(options_.unix_socket.c_str(), timeout));
    if (!context) {
        return std::unexpected("redis " + endpoint() + ": cannot allocate a connection");
    }
    if (context->err != 0) {
        return std::unexpected("redis " + endpoint() + ": connect failed: " + context->errstr);
    }
    context->reader->fn = bounded_reply_functions();
    if (redisSetTimeout(context.get(), timeout) != REDIS_OK) {
        return std::unexpected("redis " + endpoint() + ": cannot set the command timeout: " +
                               context->errstr);
    }
    std::expected<void, std::string> ready;
    if (!options_.password.empty()) {
        ready = options_.username.empty()
                    ? run_setup(*context, "AUTH", {"AUTH", options_.password})
                    : run_setup(*context, "AUTH as " + options_.username,
                                {"AUTH", options_.username, options_.password});
    }
    if (ready && options_.database != 0) {
        const std::string index = std::to_string(options_.database);
        ready = run_setup(*context, "SELECT " + index, {"SELECT", index});
    }
    if (!ready) {
        return std::unexpected("redis " + endpoint() + ": " + ready.error());
    }
    context_ = std::move(context);
    return {};
}

std::expected<std::vector<LabelledSample>, std::string>
RedisSource::query(const std::string& query, std::chrono::system_clock::time_point now)
{
    auto answers = query_batch(std::span<const std::string>(&query, 1), now);
    return std::move(answers.front());
}

std::vector<Answer> RedisSource::query_batch(std::span<const std::string> queries,
                                             std::chrono::system_clock::time_point now)
{
    std::vector<Answer> answers(queries.size());
    std::vector<std::optional<RedisQuery>> parsed;
    parsed.reserve(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i) {
        auto query = parse_redis_query(queries[i]);
        if (!query) {
            answers[i] = std::unexpected("redis query \"" + queries[i] + "\": " + query.error());
            parsed.emplace_back();
            continue;
        }
        parsed.emplace_back(std::move(*query));
    }
    const auto fail_pending = [&](std::size_t from, const std::string& message) {
        for (std::size_t i = from; i < parsed.size(); ++i) {
            if (parsed[i]) {
                answers[i] = std::unexpected(message);
            }
        }
    };
    if (auto ready = ensure_connected(); !ready) {
        fail_pending(0, ready.error());
        return answers;
    }
    // Pipelining: every command is queued first; the first read sends them all at once.
    for (const auto& query : parsed) {
        if (!query) {
            continue;
        }
        for (const std::string& key : query->keys) {
            if (!append(*context_, {query->command, key})) {
                fail_pending(0, "redis " + endpoint() + ": " + context_->errstr);
                context_.reset();
                return answers;
            }
        }
    }
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        if (!parsed[i]) {
            continue;
        }
        double sum = 0.0;
        std::optional<std::string> error;
        for (const std::string& key : parsed[i]->keys) {
            const Reply reply = next_reply(*context_);
            if (!reply) {
                fail_pending(i, "redis " + endpoint() + ": " + context_->errstr);
                context_.reset();
                return answers;
            }
            if (const auto value = size_reply_value(*reply)) {
                sum += *value;
            } else if (!error) {
                error = "redis " + endpoint() + ": " + parsed[i]->command + " \"" + key +
                        "\": " + value.error();
            }
        }
        if (error) {
            answers[i] = std::unexpected(*error);
        } else {
            answers[i] = std::vector<LabelledSample>{{Labels{}, Sample{now, sum}}};
        }
    }
    return answers;
}

std::expected<std::vector<LabelledRange>, std::string>
RedisSource::query_range(const std::string& /*query*/, std::chrono::system_clock::time_point /*from*/,
                         std::chrono::system_clock::time_point /*to*/, std::chrono::seconds /*step*/)
{
    return std::vector<LabelledRange>{};
}

} // namespace ihpa::adapter
