#include "adapter/source/redis/redis_query.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

TEST(RedisQuery, ParsesEveryCommandInAnyCaseWithQuotedKeys)
{
    struct Case {
        const char* name;
        const char* text;
        const char* command;
        std::vector<std::string> keys;
    };
    const std::vector<Case> cases = {
        {"list", "LLEN jobs", "LLEN", {"jobs"}},
        {"stream lower case", "xlen events", "XLEN", {"events"}},
        {"sorted set mixed case", "zCard delayed", "ZCARD", {"delayed"}},
        {"set", "SCARD workers", "SCARD", {"workers"}},
        {"hash", "HLEN inflight", "HLEN", {"inflight"}},
        {"several keys, tabs and spaces", "  LLEN\tq:high  q:low ", "LLEN", {"q:high", "q:low"}},
        {"double-quoted key with space", "LLEN \"my queue\" other", "LLEN", {"my queue", "other"}},
        {"escapes in double quotes", R"(LLEN "a \"b\" \\c")", "LLEN", {R"(a "b" \c)"}},
        {"single quotes are literal", R"(LLEN 'x\y "z"')", "LLEN", {R"(x\y "z")"}},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const auto query = parse_redis_query(c.text);
        ASSERT_TRUE(query) << query.error();
        EXPECT_EQ(query->command, c.command);
        EXPECT_EQ(query->keys, c.keys);
    }
}

TEST(RedisQuery, RejectsMalformedQueriesWithTheReason)
{
    struct Case {
        const char* name;
        const char* text;
        const char* error;
    };
    const std::vector<Case> cases = {
        {"empty", "   ",
         "empty query; expected <COMMAND> <key> [<key>...] with COMMAND one of LLEN, XLEN, ZCARD, "
         "SCARD, HLEN"},
        {"unknown command", "GET jobs",
         "unknown command \"GET\" (known: LLEN, XLEN, ZCARD, SCARD, HLEN)"},
        {"no key", "llen", "LLEN needs at least one key"},
        {"unterminated quote", "LLEN \"jobs", "unterminated quote at column 6"},
        {"text after closing quote", "LLEN \"a\"b", "a quoted key must be followed by a space (column 9)"},
        {"quote inside a word", "LLEN a\"b\"", "a quote inside a key (column 7): quote the whole key"},
        {"empty quoted key", "LLEN \"\"", "empty key at column 6"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const auto query = parse_redis_query(c.text);
        ASSERT_FALSE(query);
        EXPECT_EQ(query.error(), c.error);
    }
}

} // namespace
} // namespace ihpa::adapter
