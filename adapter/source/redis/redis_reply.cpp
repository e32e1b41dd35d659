#include "adapter/source/redis/redis_reply.hpp"

namespace ihpa::adapter {
namespace {

/// hiredis' own builders (static in hiredis.c), read from a reader created with them.
const redisReplyObjectFunctions& default_functions()
{
    static const redisReplyObjectFunctions functions = [] {
        redisReader* reader = redisReaderCreate();
        const redisReplyObjectFunctions copy = *reader->fn;
        redisReaderFree(reader);
        return copy;
    }();
    return functions;
}

/// The count's type is hiredis' (int in 0.14, size_t later).
template <typename Count>
void* create_bounded_array(const redisReadTask* task, Count elements)
{
    if (static_cast<long long>(elements) > kMaxReplyArrayElements) {
        return nullptr;
    }
    return default_functions().createArray(task, elements);
}

} // namespace

redisReplyObjectFunctions* bounded_reply_functions()
{
    static redisReplyObjectFunctions functions = [] {
        redisReplyObjectFunctions bounded = default_functions();
        bounded.createArray = create_bounded_array;
        return bounded;
    }();
    return &functions;
}

std::expected<double, std::string> size_reply_value(const redisReply& reply)
{
    if (reply.type == REDIS_REPLY_INTEGER) {
        return static_cast<double>(reply.integer);
    }
    if (reply.type == REDIS_REPLY_ERROR) {
        return std::unexpected(std::string(reply.str, reply.len));
    }
    return std::unexpected("unexpected reply type " + std::to_string(reply.type));
}

} // namespace ihpa::adapter
