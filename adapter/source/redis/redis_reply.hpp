#pragma once

#include <hiredis.h>

#include <expected>
#include <string>

namespace ihpa::adapter {

/// The value of a reply to one size command (LLEN, XLEN, ZCARD, SCARD, HLEN): its integer; an
/// error reply gives the server's message, any other type "unexpected reply type <n>".
[[nodiscard]] std::expected<double, std::string> size_reply_value(const redisReply& reply);

/// The most elements an array reply may announce; our commands are answered by integers and
/// statuses, never arrays.
inline constexpr long long kMaxReplyArrayElements = 64;

/// hiredis' reply builders, except that an array announcing more than kMaxReplyArrayElements
/// elements is refused (the reader then fails with hiredis' "Out of memory"). hiredis 0.14
/// allocates the element table as soon as it reads `*<count>`, so `*922337203` from a broken
/// or hostile server asked for 7 GB. Install as `reader->fn` of every reader we feed.
[[nodiscard]] redisReplyObjectFunctions* bounded_reply_functions();

} // namespace ihpa::adapter
