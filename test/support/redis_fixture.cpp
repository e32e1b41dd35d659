#include "test/support/redis_fixture.hpp"

#include "test/support/free_port.hpp"

#include <hiredis.h>

#include <signal.h>
#include <unistd.h>

namespace ihpa::test {
namespace {

constexpr int kStartAttempts = 5;
constexpr std::chrono::seconds kStartDeadline{15};

struct ContextDeleter {
    void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyDeleter {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

/// Sends `argv` on `context` and waits for the reply; null after an I/O error.
Reply run(redisContext& context, const std::vector<std::string>& argv)
{
    std::vector<const char*> args;
    std::vector<std::size_t> lengths;
    for (const std::string& arg : argv) {
        args.push_back(arg.c_str());
        lengths.push_back(arg.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(&context, static_cast<int>(args.size()), args.data(), lengths.data())));
}

std::string text_of(const redisReply& reply)
{
    switch (reply.type) {
    case REDIS_REPLY_INTEGER:
        return std::to_string(reply.integer);
    case REDIS_REPLY_NIL:
        return "(nil)";
    case REDIS_REPLY_ARRAY:
        return std::to_string(reply.elements);
    default:
        return std::string(reply.str, reply.len);
    }
}

} // namespace

bool RedisServer::available()
{
    return have_program("redis-server");
}

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options))
{
    // A client writing to a server the test has killed must get EPIPE, not die of SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    for (int attempt = 0; attempt < kStartAttempts && !running(); ++attempt) {
        port_ = free_loopback_port();
        if (!start() && error_.find("Address already in use") == std::string::npos) {
            break;
        }
    }
}

RedisServer::~RedisServer() = default;

std::string RedisServer::address() const
{
    return "127.0.0.1:" + std::to_string(port_);
}

std::string RedisServer::unix_socket() const
{
    return dir_.path() + "/redis.sock";
}

bool RedisServer::start()
{
    std::vector<std::string> argv = {
        "redis-server", "--port",       std::to_string(port_), "--bind",        "127.0.0.1",
        "--save",       "",             "--appendonly",        "no",            "--dir",
        dir_.path(),    "--unixsocket", unix_socket(),         "--daemonize",   "no"};
    if (!options_.password.empty()) {
        argv.insert(argv.end(), {"--requirepass", options_.password});
    }
    auto process = std::make_unique<ChildProcess>(argv);
    // The log line comes once the server listens; an early exit (port taken) ends the wait too.
    const bool ready = process->started() &&
                       process->wait_for_output("Ready to accept connections", kStartDeadline);
    process_ = std::move(process);
    const auto pong = ready ? command({"PING"}) : std::unexpected(std::string("no ready line"));
    if (pong && *pong == "PONG") {
        return true;
    }
    error_ = "redis-server on port " + std::to_string(port_) + " did not start (" +
             (pong ? *pong : pong.error()) + "); its output:\n" + process_->output();
    kill();
    return false;
}

void RedisServer::kill()
{
    if (process_) {
        process_->send_signal(SIGKILL);
        process_->wait_exit(kStartDeadline);
        process_.reset();
    }
}

bool RedisServer::restart()
{
    kill();
    return start();
}

std::expected<std::string, std::string>
RedisServer::command(const std::vector<std::string>& argv, int database) const
{
    const std::unique_ptr<redisContext, ContextDeleter> context(
        redisConnectWithTimeout("127.0.0.1", port_, timeval{5, 0}));
    if (!context || context->err != 0) {
        return std::unexpected(context ? context->errstr : "cannot allocate a connection");
    }
    std::vector<std::vector<std::string>> commands;
    if (!options_.password.empty()) {
        commands.push_back({"AUTH", options_.password});
    }
    if (database != 0) {
        commands.push_back({"SELECT", std::to_string(database)});
    }
    commands.push_back(argv);
    std::string text;
    for (const auto& each : commands) {
        const Reply reply = run(*context, each);
        if (!reply) {
            return std::unexpected(context->errstr);
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            return std::unexpected(text_of(*reply));
        }
        text = text_of(*reply);
    }
    return text;
}

} // namespace ihpa::test
