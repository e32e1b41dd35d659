// RESP (Redis protocol) replies: bytes from the server through hiredis' reply reader, fed in
// two pieces as a socket may deliver them, each reply read as the answer to a size command.
#include "adapter/source/redis/redis_reply.hpp"
#include "fuzz/fuzz_support.hpp"

#include <hiredis.h>

#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ihpa;
    const std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader(redisReaderCreate(),
                                                                           &redisReaderFree);
    reader->fn = adapter::bounded_reply_functions(); // as RedisSource's connections read
    const auto* text = reinterpret_cast<const char*>(data);
    const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
    for (const auto& [from, length] : {std::pair{std::size_t{0}, split}, std::pair{split, size - split}}) {
        if (redisReaderFeed(reader.get(), text + from, length) != REDIS_OK) {
            return 0;
        }
        void* raw = nullptr;
        while (redisReaderGetReply(reader.get(), &raw) == REDIS_OK && raw != nullptr) {
            const std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(
                static_cast<redisReply*>(raw), &freeReplyObject);
            const auto value = adapter::size_reply_value(*reply);
            fuzz::require(value.has_value() == (reply->type == REDIS_REPLY_INTEGER),
                          "only an integer reply has a value");
        }
    }
    return 0;
}
