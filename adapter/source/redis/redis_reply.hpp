#pragma once

#include <hiredis.h>

#include <expected>
#include <string>

namespace ihpa::adapter {

/// The value of a reply to one size command (LLEN, XLEN, ZCARD, SCARD, HLEN): its integer; an
/// error reply gives the server's message, any other type "unexpected reply type <n>".
[[nodiscard]] std::expected<double, std::string> size_reply_value(const redisReply& reply);

} // namespace ihpa::adapter
