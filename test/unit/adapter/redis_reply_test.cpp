#include "adapter/source/redis/redis_reply.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

TEST(RedisReplyTest, AnIntegerIsTheValueAndAnythingElseSaysWhy)
{
    redisReply integer{};
    integer.type = REDIS_REPLY_INTEGER;
    integer.integer = 42;
    EXPECT_EQ(size_reply_value(integer), 42.0);

    std::string message = "WRONGTYPE Operation against a key holding the wrong kind of value";
    redisReply error{};
    error.type = REDIS_REPLY_ERROR;
    error.str = message.data();
    error.len = message.size();
    EXPECT_EQ(size_reply_value(error).error(), message);

    redisReply nil{};
    nil.type = REDIS_REPLY_NIL;
    EXPECT_EQ(size_reply_value(nil).error(), "unexpected reply type 4");
}

} // namespace
} // namespace ihpa::adapter
