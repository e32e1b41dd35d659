#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::adapter {

/// A Redis query: one size command applied to one or more keys. Its value is the sum of the
/// answers; a missing key counts 0, as Redis itself answers for these commands.
struct RedisQuery {
    std::string command;           ///< upper case: LLEN, XLEN, ZCARD, SCARD or HLEN
    std::vector<std::string> keys; ///< at least one, unquoted, in the order written
};

/// Parses `<COMMAND> <key> [<key>...]`: the command is one of LLEN, XLEN, ZCARD, SCARD, HLEN in
/// any case; words are separated by spaces or tabs; a key containing spaces or quotes is written
/// in double quotes (`\"` and `\\` escape inside them) or single quotes (taken literally). The
/// error says what is wrong (unknown command, no key, unterminated quote, empty key).
[[nodiscard]] std::expected<RedisQuery, std::string> parse_redis_query(std::string_view text);

} // namespace ihpa::adapter
