#include "adapter/source/redis/redis_reply.hpp"

namespace ihpa::adapter {

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
