#include "adapter/source/redis/redis_source.hpp"
#include "test/support/redis_fixture.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

using test::RedisServer;
using test::RedisServerOptions;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

/// Skips the test when redis-server is missing; fails it when the server does not start.
#define REQUIRE_REDIS(server)                                                                     \
    if (!RedisServer::available()) {                                                              \
        GTEST_SKIP() << "redis-server not found in PATH (Debian package redis-server)";           \
    }                                                                                             \
    ASSERT_TRUE((server).running()) << (server).error()

RedisOptions tcp_options(const RedisServer& server)
{
    RedisOptions options;
    options.host = "127.0.0.1";
    options.port = server.port();
    return options;
}

/// The single value a query answers, or the error as a failure.
double value_of(RedisSource& source, const std::string& query)
{
    const auto answer = source.query(query, kNow);
    EXPECT_TRUE(answer) << query << ": " << answer.error();
    if (!answer || answer->size() != 1) {
        ADD_FAILURE() << query << ": expected one sample";
        return -1;
    }
    EXPECT_TRUE(answer->front().labels.empty());
    EXPECT_EQ(answer->front().sample.time, kNow);
    return answer->front().sample.value;
}

void must(const std::expected<std::string, std::string>& reply)
{
    ASSERT_TRUE(reply) << reply.error();
}

TEST(RedisSourceIntegration, EachCommandCountsItsKindOfKey)
{
    RedisServer server;
    REQUIRE_REDIS(server);
    must(server.command({"RPUSH", "jobs", "a", "b", "c"}));
    must(server.command({"XADD", "events", "*", "f", "1"}));
    must(server.command({"XADD", "events", "*", "f", "2"}));
    must(server.command({"ZADD", "delayed", "1", "a", "2", "b"}));
    must(server.command({"SADD", "workers", "w1", "w2", "w3", "w4"}));
    must(server.command({"HSET", "inflight", "j1", "w1", "j2", "w2"}));
    RedisSource source(tcp_options(server));
    EXPECT_EQ(value_of(source, "LLEN jobs"), 3);
    EXPECT_EQ(value_of(source, "xlen events"), 2);
    EXPECT_EQ(value_of(source, "ZCARD delayed"), 2);
    EXPECT_EQ(value_of(source, "SCARD workers"), 4);
    EXPECT_EQ(value_of(source, "HLEN inflight"), 2);
    EXPECT_FALSE(source.keeps_history());
    const auto range = source.query_range("LLEN jobs", kNow - std::chrono::hours(1), kNow,
                                          std::chrono::seconds(60));
    ASSERT_TRUE(range);
    EXPECT_TRUE(range->empty());
}

TEST(RedisSourceIntegration, SumsOverKeysAndCountsMissingKeysAsZero)
{
    RedisServer server;
    REQUIRE_REDIS(server);
    must(server.command({"RPUSH", "q:high", "a", "b"}));
    must(server.command({"RPUSH", "q low", "c"}));
    RedisSource source(tcp_options(server));
    EXPECT_EQ(value_of(source, "LLEN q:high \"q low\" q:missing"), 3);
    EXPECT_EQ(value_of(source, "LLEN q:missing"), 0);
}

TEST(RedisSourceIntegration, WrongTypeIsAnErrorNamingCommandAndKey)
{
    RedisServer server;
    REQUIRE_REDIS(server);
    must(server.command({"SADD", "workers", "w1"}));
    must(server.command({"RPUSH", "jobs", "a"}));
    RedisSource source(tcp_options(server));
    const auto wrong = source.query("LLEN jobs workers", kNow);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().rfind("redis " + server.address() + ": LLEN \"workers\": WRONGTYPE", 0),
              0U)
        << wrong.error();
    EXPECT_EQ(value_of(source, "LLEN jobs"), 1) << "the connection stays usable";
}

TEST(RedisSourceIntegration, ReadsTheConfiguredDatabase)
{
    RedisServer server;
    REQUIRE_REDIS(server);
    must(server.command({"RPUSH", "jobs", "a"}));
    must(server.command({"RPUSH", "jobs", "a", "b", "c"}, 3));
    RedisOptions options = tcp_options(server);
    options.database = 3;
    RedisSource db3(options);
    EXPECT_EQ(value_of(db3, "LLEN jobs"), 3);
    RedisSource db0(tcp_options(server));
    EXPECT_EQ(value_of(db0, "LLEN jobs"), 1);

    options.database = 99;
    RedisSource out_of_range(options);
    const auto answer = out_of_range.query("LLEN jobs", kNow);
    ASSERT_FALSE(answer);
    EXPECT_NE(answer.error().find("SELECT 99 failed: ERR DB index is out of range"),
              std::string::npos)
        << answer.error();
}

TEST(RedisSourceIntegration, AuthenticatesAndReportsRejectedPasswords)
{
    RedisServer server(RedisServerOptions{.password = "s3cret pass"});
    REQUIRE_REDIS(server);
    must(server.command({"RPUSH", "jobs", "a", "b"}));
    RedisOptions options = tcp_options(server);
    options.password = "s3cret pass";
    RedisSource good(options);
    EXPECT_EQ(value_of(good, "LLEN jobs"), 2);

    options.username = "default";
    RedisSource acl(options);
    EXPECT_EQ(value_of(acl, "LLEN jobs"), 2);

    options.username.clear();
    options.password = "wrong";
    RedisSource wrong(options);
    const auto rejected = wrong.query("LLEN jobs", kNow);
    ASSERT_FALSE(rejected);
    EXPECT_NE(rejected.error().find("AUTH failed: WRONGPASS"), std::string::npos)
        << rejected.error();
    EXPECT_EQ(rejected.error().find("wrong"), std::string::npos) << "never shows the password";

    RedisSource anonymous(tcp_options(server));
    const auto denied = anonymous.query("LLEN jobs", kNow);
    ASSERT_FALSE(denied);
    EXPECT_NE(denied.error().find("LLEN \"jobs\": NOAUTH"), std::string::npos) << denied.error();
}

TEST(RedisSourceIntegration, ConnectsThroughTheUnixSocket)
{
    RedisServer server;
    REQUIRE_REDIS(server);
    must(server.command({"SADD", "workers", "w1", "w2"}));
    RedisOptions options;
    options.unix_socket = server.unix_socket();
    RedisSource source(options);
    EXPECT_EQ(value_of(source, "SCARD workers"), 2);
}

TEST(RedisSourceIntegration, BatchAnswersEqualIndividualQueries)
{
    RedisServer server;
    REQUIRE_REDIS(server);
    must(server.command({"RPUSH", "jobs", "a", "b", "c"}));
    must(server.command({"SADD", "workers", "w1", "w2"}));
    must(server.command({"HSET", "inflight", "j1", "w1"}));
    const std::vector<std::string> queries = {
        "LLEN jobs",  "SCARD workers", "GET jobs", "LLEN workers jobs",
        "HLEN inflight missing", "ZCARD missing",
    };
    RedisSource batched(tcp_options(server));
    const auto answers = batched.query_batch(queries, kNow);
    ASSERT_EQ(answers.size(), queries.size());
    RedisSource single(tcp_options(server));
    for (std::size_t i = 0; i < queries.size(); ++i) {
        SCOPED_TRACE(queries[i]);
        const auto expected = single.query(queries[i], kNow);
        ASSERT_EQ(answers[i].has_value(), expected.has_value());
        if (expected) {
            ASSERT_EQ(answers[i]->size(), 1U);
            EXPECT_EQ(answers[i]->front().sample.value, expected->front().sample.value);
        } else {
            EXPECT_EQ(answers[i].error(), expected.error());
        }
    }
    EXPECT_EQ(answers[0]->front().sample.value, 3);
    EXPECT_EQ(answers[4]->front().sample.value, 1);
    EXPECT_EQ(answers[5]->front().sample.value, 0);
}

TEST(RedisSourceIntegration, ServerKilledIsAnErrorAndARestartRecovers)
{
    RedisServer server;
    REQUIRE_REDIS(server);
    must(server.command({"RPUSH", "jobs", "a"}));
    RedisSource source(tcp_options(server));
    EXPECT_EQ(value_of(source, "LLEN jobs"), 1);

    server.kill();
    const auto lost = source.query("LLEN jobs", kNow);
    ASSERT_FALSE(lost);
    EXPECT_EQ(lost.error().rfind("redis " + server.address() + ": ", 0), 0U) << lost.error();
    const auto refused = source.query("LLEN jobs", kNow);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("connect failed"), std::string::npos) << refused.error();

    ASSERT_TRUE(server.restart()) << server.error();
    must(server.command({"RPUSH", "jobs", "a", "b"}));
    EXPECT_EQ(value_of(source, "LLEN jobs"), 2);
}

} // namespace
} // namespace ihpa::adapter
