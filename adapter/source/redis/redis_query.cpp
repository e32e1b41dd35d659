#include "adapter/source/redis/redis_query.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ihpa::adapter {
namespace {

constexpr std::array<std::string_view, 5> kCommands = {"LLEN", "XLEN", "ZCARD", "SCARD", "HLEN"};

bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/// Splits `text` into words, honouring quotes; the error names the offending position.
std::expected<std::vector<std::string>, std::string> split_words(std::string_view text)
{
    std::vector<std::string> words;
    std::size_t i = 0;
    while (true) {
        while (i < text.size() && is_space(text[i])) {
            ++i;
        }
        if (i == text.size()) {
            return words;
        }
        std::string word;
        const char quote = text[i];
        if (quote == '"' || quote == '\'') {
            const std::size_t open = i++;
            bool closed = false;
            while (i < text.size() && !closed) {
                const char c = text[i++];
                if (c == quote) {
                    closed = true;
                } else if (c == '\\' && quote == '"' && i < text.size()) {
                    word += text[i++];
                } else {
                    word += c;
                }
            }
            if (!closed) {
                return std::unexpected("unterminated quote at column " + std::to_string(open + 1));
            }
            if (i < text.size() && !is_space(text[i])) {
                return std::unexpected("a quoted key must be followed by a space (column " +
                                       std::to_string(i + 1) + ")");
            }
            if (word.empty()) {
                return std::unexpected("empty key at column " + std::to_string(open + 1));
            }
        } else {
            while (i < text.size() && !is_space(text[i])) {
                if (text[i] == '"' || text[i] == '\'') {
                    return std::unexpected("a quote inside a key (column " + std::to_string(i + 1) +
                                           "): quote the whole key");
                }
                word += text[i++];
            }
        }
        words.push_back(std::move(word));
    }
}

std::string upper(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string known_commands()
{
    std::string out;
    for (std::string_view command : kCommands) {
        out += out.empty() ? "" : ", ";
        out += command;
    }
    return out;
}

} // namespace

std::expected<RedisQuery, std::string> parse_redis_query(std::string_view text)
{
    auto words = split_words(text);
    if (!words) {
        return std::unexpected(words.error());
    }
    if (words->empty()) {
        return std::unexpected("empty query; expected <COMMAND> <key> [<key>...] with COMMAND one "
                               "of " + known_commands());
    }
    RedisQuery query{upper(words->front()), {}};
    if (std::find(kCommands.begin(), kCommands.end(), query.command) == kCommands.end()) {
        return std::unexpected("unknown command \"" + words->front() + "\" (known: " +
                               known_commands() + ")");
    }
    if (words->size() == 1) {
        return std::unexpected(query.command + " needs at least one key");
    }
    query.keys.assign(std::make_move_iterator(words->begin() + 1),
                      std::make_move_iterator(words->end()));
    return query;
}

} // namespace ihpa::adapter
