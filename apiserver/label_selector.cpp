#include "apiserver/label_selector.hpp"

#include "common/number_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <utility>

namespace ihpa::apiserver {
namespace {

using Op = LabelRequirement::Operator;

constexpr std::size_t kMaxNameLength = 63;
constexpr std::size_t kMaxPrefixLength = 253;
constexpr std::size_t kMaxQuotedLength = 64;

// Upstream's wording (k8s.io/apimachinery/pkg/api/validate/content/{kube,dns}.go), without the
// regex hints.
constexpr std::string_view kNameRule =
    "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr std::string_view kSubdomainRule =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";

bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])? (no length limit).
bool is_name(std::string_view text)
{
    return !text.empty() && is_alnum(text.front()) && is_alnum(text.back()) &&
           std::ranges::all_of(
               text, [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

/// Dot-separated labels of [a-z0-9]([-a-z0-9]*[a-z0-9])? (no length limit).
bool is_dns1123_subdomain(std::string_view text)
{
    while (true) {
        const std::size_t dot = text.find('.');
        const std::string_view label = text.substr(0, dot);
        const bool valid = !label.empty() && is_lower_alnum(label.front()) &&
                           is_lower_alnum(label.back()) &&
                           std::ranges::all_of(label, [](char c) {
                               return is_lower_alnum(c) || c == '-';
                           });
        if (!valid) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        text.remove_prefix(dot + 1);
    }
}


std::expected<void, SelectorError> join_problems(const std::vector<std::string>& problems)
{
    if (problems.empty()) {
        return {};
    }
    std::string message = problems.front();
    for (std::size_t i = 1; i < problems.size(); ++i) {
        message += "; " + problems[i];
    }
    return std::unexpected(SelectorError{std::move(message)});
}

/// `text` in single quotes, safe for any byte: bytes outside printable ASCII, the quote and
/// the backslash become \xNN; more than kMaxQuotedLength bytes are shortened with "...".
std::string quote(std::string_view text)
{
    constexpr std::string_view kHex = "0123456789abcdef";
    const std::string_view shown = text.substr(0, kMaxQuotedLength);
    std::string out = "'";
    for (const char c : shown) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f || c == '\'' || c == '\\') {
            out += "\\x";
            out += kHex[byte >> 4U];
            out += kHex[byte & 0xfU];
        } else {
            out += c;
        }
    }
    out += shown.size() < text.size() ? "...'" : "'";
    return out;
}

enum class Token {
    Identifier, // any run of bytes other than whitespace and symbols, keywords included
    Not,
    Equals,
    DoubleEquals,
    NotEquals,
    GreaterThan,
    LessThan,
    Open,
    Close,
    Comma,
    End,
};

struct Lexeme {
    Token token;
    std::string_view text;
    std::size_t position; ///< byte offset in the selector
};

struct Symbol {
    std::string_view text;
    Token token;
};

/// Two-byte symbols first: the lexer takes the longest match, like upstream's.
constexpr std::array kSymbols{
    Symbol{"!=", Token::NotEquals}, Symbol{"==", Token::DoubleEquals},
    Symbol{"!", Token::Not},        Symbol{"=", Token::Equals},
    Symbol{">", Token::GreaterThan}, Symbol{"<", Token::LessThan},
    Symbol{"(", Token::Open},       Symbol{")", Token::Close},
    Symbol{",", Token::Comma},
};

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_symbol_start(char c)
{
    return std::ranges::any_of(kSymbols, [c](const Symbol& s) { return s.text.front() == c; });
}

/// "'tok' at position N", or "end of string at position N".
std::string describe(const Lexeme& lexeme)
{
    const std::string where = " at position " + std::to_string(lexeme.position);
    return (lexeme.token == Token::End ? std::string("end of string") : quote(lexeme.text)) +
           where;
}

/// Upstream's Lexer: skips whitespace, then yields a symbol or an identifier.
class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    Lexeme next()
    {
        while (pos_ < text_.size() && is_whitespace(text_[pos_])) {
            ++pos_;
        }
        const std::size_t start = pos_;
        const std::string_view rest = text_.substr(start);
        if (rest.empty()) {
            return {Token::End, {}, start};
        }
        for (const Symbol& symbol : kSymbols) {
            if (rest.starts_with(symbol.text)) {
                pos_ += symbol.text.size();
                return {symbol.token, symbol.text, start};
            }
        }
        while (pos_ < text_.size() && !is_whitespace(text_[pos_]) &&
               !is_symbol_start(text_[pos_])) {
            ++pos_;
        }
        return {Token::Identifier, text_.substr(start, pos_ - start), start};
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::unexpected<SelectorError> found(const Lexeme& lexeme, std::string_view expected)
{
    return std::unexpected(
        SelectorError{"found " + describe(lexeme) + ", expected: " + std::string(expected)});
}

std::unexpected<SelectorError> invalid(std::string_view what, const Lexeme& lexeme,
                                       const SelectorError& why)
{
    return std::unexpected(
        SelectorError{"invalid " + std::string(what) + " " + describe(lexeme) + ": " +
                      why.message});
}

/// The binary operator `lexeme` spells, if any (`in`/`notin` are identifiers to the lexer).
std::optional<Op> binary_operator(const Lexeme& lexeme)
{
    switch (lexeme.token) {
    case Token::Equals:
        return Op::Equals;
    case Token::DoubleEquals:
        return Op::DoubleEquals;
    case Token::NotEquals:
        return Op::NotEquals;
    case Token::GreaterThan:
        return Op::GreaterThan;
    case Token::LessThan:
        return Op::LessThan;
    case Token::Identifier:
        if (lexeme.text == "in") {
            return Op::In;
        }
        if (lexeme.text == "notin") {
            return Op::NotIn;
        }
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

/// Upstream's Parser: one token of look-ahead, no recursion, so linear in the input.
class Parser {
public:
    explicit Parser(std::string_view text) : lexer_(text), current_(lexer_.next()) {}

    std::expected<std::vector<LabelRequirement>, SelectorError> parse()
    {
        std::vector<LabelRequirement> requirements;
        if (current_.token == Token::End) {
            return requirements;
        }
        while (true) {
            if (current_.token != Token::Identifier && current_.token != Token::Not) {
                return found(current_, requirements.empty()
                                           ? "!, identifier, or 'end of string'"
                                           : "identifier after ','");
            }
            auto requirement = parse_requirement();
            if (!requirement) {
                return std::unexpected(
                    SelectorError{"unable to parse requirement: " + requirement.error().message});
            }
            requirements.push_back(std::move(*requirement));
            const Lexeme separator = take();
            if (separator.token == Token::End) {
                return requirements;
            }
            if (separator.token != Token::Comma) {
                return found(separator, "',' or 'end of string'");
            }
        }
    }

private:
    Lexeme take() { return std::exchange(current_, lexer_.next()); }

    std::expected<LabelRequirement, SelectorError> parse_requirement()
    {
        const bool negated = current_.token == Token::Not;
        if (negated) {
            take();
        }
        const Lexeme key = take();
        if (key.token != Token::Identifier) {
            return found(key, "identifier");
        }
        if (auto valid = validate_label_key(key.text); !valid) {
            return invalid("key", key, valid.error());
        }
        LabelRequirement requirement;
        requirement.key = std::string(key.text);
        // Like upstream, `!k` ends the requirement even when more follows (`!k=v` then fails
        // in parse() on '=').
        if (negated || current_.token == Token::End || current_.token == Token::Comma) {
            requirement.op = negated ? Op::DoesNotExist : Op::Exists;
            return requirement;
        }
        const Lexeme op = take();
        const std::optional<Op> parsed = binary_operator(op);
        if (!parsed) {
            return found(op, "in, notin, =, ==, !=, gt, lt");
        }
        requirement.op = *parsed;
        const bool set = *parsed == Op::In || *parsed == Op::NotIn;
        auto values = set ? parse_value_set() : parse_single_value();
        if (!values) {
            return std::unexpected(values.error());
        }
        for (const Lexeme& value : *values) {
            if (auto valid = validate_label_value(value.text); !valid) {
                return invalid("value", value, valid.error());
            }
            if ((*parsed == Op::GreaterThan || *parsed == Op::LessThan) &&
                !common::parse_int64(value.text)) {
                return invalid("value", value,
                               {"for 'Gt', 'Lt' operators, the value must be an integer"});
            }
            requirement.values.emplace_back(value.text);
        }
        std::ranges::sort(requirement.values);
        const auto duplicates = std::ranges::unique(requirement.values);
        requirement.values.erase(duplicates.begin(), duplicates.end());
        return requirement;
    }

    /// The empty value, located where it was left out.
    Lexeme empty_value() const { return {Token::Identifier, {}, current_.position}; }

    /// VALUE after `=`, `==`, `!=`, `>`, `<`; missing (`k=` or `k=,...`) is the empty value.
    std::expected<std::vector<Lexeme>, SelectorError> parse_single_value()
    {
        if (current_.token == Token::End || current_.token == Token::Comma) {
            return std::vector{empty_value()};
        }
        const Lexeme value = take();
        if (value.token != Token::Identifier) {
            return found(value, "identifier");
        }
        return std::vector{value};
    }

    /// `(` entries separated by `,` `)`, where an entry is one identifier or nothing (the
    /// empty value): upstream reads `()`, `(,a)`, `(a,)` and `(a,,b)` that way.
    std::expected<std::vector<Lexeme>, SelectorError> parse_value_set()
    {
        const Lexeme open = take();
        if (open.token != Token::Open) {
            return found(open, "'('");
        }
        std::vector<Lexeme> values;
        while (true) {
            const bool named = current_.token == Token::Identifier;
            values.push_back(named ? take() : empty_value());
            const Lexeme separator = take();
            if (separator.token == Token::Close) {
                return values;
            }
            if (separator.token != Token::Comma) {
                return found(separator, named ? "',' or ')'" : "',', ')' or identifier");
            }
        }
    }

    Lexer lexer_;
    Lexeme current_;
};

std::string_view spelling(Op op)
{
    switch (op) {
    case Op::Equals:
        return "=";
    case Op::DoubleEquals:
        return "==";
    case Op::NotEquals:
        return "!=";
    case Op::In:
        return " in ";
    case Op::NotIn:
        return " notin ";
    case Op::GreaterThan:
        return ">";
    case Op::LessThan:
        return "<";
    case Op::Exists:
    case Op::DoesNotExist:
        return "";
    }
    return "";
}

} // namespace

std::expected<void, SelectorError> validate_label_key(std::string_view key)
{
    std::vector<std::string> problems;
    std::string_view name = key;
    if (const std::size_t slash = key.find('/'); slash != std::string_view::npos) {
        if (key.find('/', slash + 1) != std::string_view::npos) {
            return std::unexpected(SelectorError{
                "a valid label key must " + std::string(kNameRule) +
                " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"});
        }
        const std::string_view prefix = key.substr(0, slash);
        name = key.substr(slash + 1);
        if (prefix.empty()) {
            problems.emplace_back("prefix part must be non-empty");
        } else {
            if (prefix.size() > kMaxPrefixLength) {
                problems.emplace_back("prefix part must be no more than 253 bytes");
            }
            if (!is_dns1123_subdomain(prefix)) {
                problems.push_back("prefix part " + std::string(kSubdomainRule));
            }
        }
    }
    if (name.empty()) {
        problems.emplace_back("name part must be non-empty");
    } else if (name.size() > kMaxNameLength) {
        problems.emplace_back("name part must be no more than 63 bytes");
    }
    if (!is_name(name)) {
        problems.push_back("name part must " + std::string(kNameRule));
    }
    return join_problems(problems);
}

std::expected<void, SelectorError> validate_label_value(std::string_view value)
{
    std::vector<std::string> problems;
    if (value.size() > kMaxNameLength) {
        problems.emplace_back("must be no more than 63 bytes");
    }
    if (!value.empty() && !is_name(value)) {
        problems.push_back("a valid label must be an empty string or " + std::string(kNameRule));
    }
    return join_problems(problems);
}

bool LabelRequirement::matches(const std::map<std::string, std::string>& labels) const
{
    const auto it = labels.find(key);
    if (it == labels.end()) {
        return op == Op::NotEquals || op == Op::NotIn || op == Op::DoesNotExist;
    }
    const bool listed = std::ranges::find(values, it->second) != values.end();
    switch (op) {
    case Op::Equals:
    case Op::DoubleEquals:
    case Op::In:
        return listed;
    case Op::NotEquals:
    case Op::NotIn:
        return !listed;
    case Op::Exists:
        return true;
    case Op::DoesNotExist:
        return false;
    case Op::GreaterThan:
    case Op::LessThan: {
        const std::optional<std::int64_t> actual = common::parse_int64(it->second);
        const std::optional<std::int64_t> bound =
            values.size() == 1 ? common::parse_int64(values.front()) : std::nullopt;
        if (!actual || !bound) {
            return false;
        }
        return op == Op::GreaterThan ? *actual > *bound : *actual < *bound;
    }
    }
    return false;
}

std::string LabelRequirement::to_string() const
{
    std::string out = op == Op::DoesNotExist ? "!" : "";
    out += key;
    out += spelling(op);
    if (op == Op::Exists || op == Op::DoesNotExist) {
        return out;
    }
    const bool set = op == Op::In || op == Op::NotIn;
    out += set ? "(" : "";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += i == 0 ? "" : ",";
        out += values[i];
    }
    out += set ? ")" : "";
    return out;
}

LabelSelector::LabelSelector(std::vector<LabelRequirement>&& requirements)
    : requirements_(std::move(requirements))
{
    std::ranges::stable_sort(requirements_, {}, &LabelRequirement::key);
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const
{
    return std::ranges::all_of(requirements_,
                               [&labels](const LabelRequirement& r) { return r.matches(labels); });
}

std::string LabelSelector::to_string() const
{
    std::string out;
    for (const LabelRequirement& requirement : requirements_) {
        out += out.empty() ? "" : ",";
        out += requirement.to_string();
    }
    return out;
}

std::optional<std::string> LabelSelector::exact_value(std::string_view key) const
{
    for (const LabelRequirement& r : requirements_) {
        const bool pins = r.op == Op::Equals || r.op == Op::DoubleEquals || r.op == Op::In;
        if (r.key == key && pins && r.values.size() == 1) {
            return r.values.front();
        }
    }
    return std::nullopt;
}

std::expected<LabelSelector, SelectorError> parse_label_selector(std::string_view text)
{
    auto requirements = Parser(text).parse();
    if (!requirements) {
        return std::unexpected(std::move(requirements.error()));
    }
    return LabelSelector(std::move(*requirements));
}

} // namespace ihpa::apiserver
