#include "adapter/source/redis/redis_source_kind.hpp"

#include "test/fakes/source_kind_harness.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ihpa::adapter {
namespace {

using Parsed = test::ParsedKind;

/// Parses the `redis:` block of `yaml` the way the configuration loader does.
Parsed parse(const std::string& yaml)
{
    return test::parse_kind(redis_source_kind(), yaml, "redis", "source q.redis");
}

std::expected<std::shared_ptr<MetricSource>, std::string> build(const SourceFactory& factory)
{
    return test::build_source(factory, {{"redis.pw", "s3cret\n"}, {"empty.pw", " \n"}});
}

TEST(RedisSourceKind, AcceptsTcpAndUnixSocketOptions)
{
    const std::vector<std::string> valid = {
        "redis: {address: \"127.0.0.1:6380\", database: 2, username: worker, "
        "passwordFile: redis.pw, timeout: 500ms}",
        "redis: {address: \"[::1]:6379\"}",
        "redis: {address: \"redis.queue.svc:6379\", passwordEnv: REDIS_PASSWORD}",
        "redis: {unixSocket: /run/redis/redis.sock}",
    };
    for (const std::string& yaml : valid) {
        SCOPED_TRACE(yaml);
        const Parsed parsed = parse(yaml);
        EXPECT_TRUE(parsed.factory);
        EXPECT_EQ(parsed.problems, std::vector<std::string>{});
    }
    EXPECT_EQ(redis_source_kind().name, "redis");
}

TEST(RedisSourceKind, ReportsEveryProblemWithFileAndLine)
{
    const Parsed parsed = parse(R"(redis:
  address: localhost
  unixSocket: /run/redis.sock
  database: 1.5
  password: hunter2
  timeout: 2h
  colour: red
)");
    EXPECT_FALSE(parsed.factory);
    const std::vector<std::string> expected = {
        "c.yaml:7: unknown key \"colour\" in source q.redis (known: address, unixSocket, database, "
        "username, password, passwordFile, passwordEnv, timeout)",
        "c.yaml:3: source q.redis takes either address or unixSocket, not both",
        "c.yaml:2: source q.redis.address must be host:port with a port in 1-65535, got "
        "\"localhost\"",
        "c.yaml:4: source q.redis.database must be a whole number",
        "c.yaml:5: source q.redis.password: secrets are not accepted inline; name a file with "
        "passwordFile or a variable with passwordEnv",
        "c.yaml:6: source q.redis.timeout must be between 1ms and 1m, got \"2h\"",
    };
    EXPECT_EQ(parsed.problems, expected);
}

TEST(RedisSourceKind, ReportsMissingAddressConflictingSecretsAndBadPorts)
{
    struct Case {
        const char* name;
        const char* yaml;
        std::vector<std::string> problems;
    };
    const std::vector<Case> cases = {
        {"no address", "redis:\n  database: 1\n",
         {"c.yaml:2: source q.redis needs \"address\" (host:port) or \"unixSocket\""}},
        {"two password sources", "redis:\n  address: h:1\n  passwordFile: a\n  passwordEnv: B\n",
         {"c.yaml:4: source q.redis takes either passwordFile or passwordEnv, not both"}},
        {"user without password", "redis:\n  address: h:1\n  username: worker\n",
         {"c.yaml:3: source q.redis.username needs passwordFile or passwordEnv"}},
        {"port out of range", "redis:\n  address: h:70000\n",
         {"c.yaml:2: source q.redis.address must be host:port with a port in 1-65535, got "
          "\"h:70000\""}},
        {"negative database", "redis:\n  address: h:1\n  database: -1\n",
         {"c.yaml:3: source q.redis.database must be a number in [0, 2147483647], got \"-1\""}},
        {"not a mapping", "redis: localhost:6379\n",
         {"c.yaml:1: source q.redis must be a mapping"}},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const Parsed parsed = parse(c.yaml);
        EXPECT_FALSE(parsed.factory);
        EXPECT_EQ(parsed.problems, c.problems);
    }
}

TEST(RedisSourceKind, FactoryReadsThePasswordFromFileOrEnvironment)
{
    const Parsed from_file = parse("redis: {address: \"h:1\", passwordFile: redis.pw}");
    ASSERT_TRUE(from_file.factory);
    const auto source = build(*from_file.factory);
    ASSERT_TRUE(source) << source.error();
    EXPECT_FALSE((*source)->keeps_history());

    const Parsed missing = parse("redis: {address: \"h:1\", passwordFile: missing.pw}");
    ASSERT_TRUE(missing.factory);
    EXPECT_EQ(build(*missing.factory).error(), "redis passwordFile: cannot read missing.pw");

    const Parsed empty = parse("redis: {address: \"h:1\", passwordFile: empty.pw}");
    ASSERT_TRUE(empty.factory);
    EXPECT_EQ(build(*empty.factory).error(), "redis passwordFile: empty.pw is empty");

    ::unsetenv("IHPA_TEST_REDIS_UNSET");
    const Parsed unset = parse("redis: {address: \"h:1\", passwordEnv: IHPA_TEST_REDIS_UNSET}");
    ASSERT_TRUE(unset.factory);
    EXPECT_EQ(build(*unset.factory).error(),
              "redis passwordEnv: environment variable IHPA_TEST_REDIS_UNSET is not set");

    ::setenv("IHPA_TEST_REDIS_SET", "pw", 1);
    const Parsed set = parse("redis: {address: \"h:1\", passwordEnv: IHPA_TEST_REDIS_SET}");
    ASSERT_TRUE(set.factory);
    EXPECT_TRUE(build(*set.factory));
}

TEST(RedisSourceKind, ChecksQueriesWithoutIo)
{
    EXPECT_TRUE(redis_source_kind().check_query("LLEN jobs"));
    EXPECT_EQ(redis_source_kind().check_query("GET jobs").error(),
              "unknown command \"GET\" (known: LLEN, XLEN, ZCARD, SCARD, HLEN)");
}

} // namespace
} // namespace ihpa::adapter
