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

TEST(RedisReplyTest, AnArrayAnnouncingMoreElementsThanTheBoundIsRefusedBeforeAllocating)
{
    // hiredis 0.14 allocated the element table for `*922337203` at once: 7 GB (found by
    // fuzz/redis_reply_fuzzer.cpp).
    const auto read = [](std::string_view bytes) {
        redisReader* reader = redisReaderCreate();
        reader->fn = bounded_reply_functions();
        redisReaderFeed(reader, bytes.data(), bytes.size());
        void* reply = nullptr;
        const int status = redisReaderGetReply(reader, &reply);
        const auto* array = static_cast<redisReply*>(reply);
        const std::size_t elements = array == nullptr ? 0 : array->elements;
        freeReplyObject(reply);
        redisReaderFree(reader);
        return std::pair{status, elements};
    };
    EXPECT_EQ(read("*922337203\r\n685"), std::pair(REDIS_ERR, std::size_t{0}));
    EXPECT_EQ(read("*65\r\n"), std::pair(REDIS_ERR, std::size_t{0}));
    EXPECT_EQ(read("*2\r\n:1\r\n:2\r\n"), std::pair(REDIS_OK, std::size_t{2}));
}

} // namespace
} // namespace ihpa::adapter
