#include "adapter/source/prometheus/external_rules_query.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace ihpa::adapter::external_rules {
namespace {

using Operator = apiserver::LabelRequirement::Operator;

bool is_name_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*.
bool is_label_name(std::string_view name)
{
    return !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) == 0 &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return is_name_char(c) && static_cast<unsigned char>(c) < 0x80;
           });
}

std::string join(const std::vector<std::string>& values, std::string_view separator,
                 std::string (*transform)(std::string_view))
{
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += (i == 0 ? std::string() : std::string(separator)) + transform(values[i]);
    }
    return out;
}

std::string verbatim(std::string_view text)
{
    return std::string(text);
}

/// The value of group `name` for Go's `Regexp.Expand`: numbered groups only (named groups are
/// rejected when compiling), empty when unknown or unmatched.
std::string group_value(const std::smatch& match, std::string_view name)
{
    if (!std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) ||
        name.size() > 8) {
        return {};
    }
    const std::size_t index = std::stoul(std::string(name));
    return index < match.size() && match[index].matched ? match[index].str() : std::string();
}

/// The length of the repetition operator at `at` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), 0 when
/// there is none; `count` gets the largest number of a counted one.
std::size_t repetition_at(std::string_view body, std::size_t at, std::size_t& count)
{
    count = 0;
    if (at >= body.size()) {
        return 0;
    }
    if (body[at] == '*' || body[at] == '+' || body[at] == '?') {
        return 1;
    }
    if (body[at] != '{') {
        return 0;
    }
    std::size_t end = at + 1;
    std::size_t number = 0;
    bool digits = false;
    bool comma = false;
    for (; end < body.size() && body[end] != '}'; ++end) {
        if (std::isdigit(static_cast<unsigned char>(body[end])) != 0) {
            number = std::min<std::size_t>(number * 10 + static_cast<std::size_t>(body[end] - '0'), 1'000'000);
            count = std::max(count, number);
            digits = true;
        } else if (body[end] == ',' && digits && !comma) {
            comma = true;
            number = 0;
        } else {
            return 0; // a literal brace
        }
    }
    return end < body.size() && digits ? end - at + 1 : 0;
}

/// RE2's limits, which prometheus-adapter's patterns obey and std::regex does not enforce (it
/// takes minutes to compile some patterns beyond them): no repetition of a repetition (`a**`,
/// `a*{2}`; a lazy `?` after one is fine) and no count above 1000.
std::optional<std::string> beyond_re2_limits(std::string_view body)
{
    bool after_repetition = false;
    for (std::size_t at = 0; at < body.size();) {
        if (body[at] == '\\') {
            at += 2;
            after_repetition = false;
            continue;
        }
        if (body[at] == '[') { // a class: its characters are literal
            std::size_t end = at + 1;
            end += end < body.size() && body[end] == '^' ? 1 : 0;
            end += end < body.size() && body[end] == ']' ? 1 : 0;
            while (end < body.size() && body[end] != ']') {
                end += body[end] == '\\' ? 2 : 1;
            }
            at = end + 1;
            after_repetition = false;
            continue;
        }
        std::size_t count = 0;
        const std::size_t length = repetition_at(body, at, count);
        if (length == 0) {
            ++at;
            after_repetition = false;
            continue;
        }
        if (count > 1000) {
            return "invalid repeat count (at most 1000)";
        }
        if (after_repetition) {
            return "invalid nested repetition operator";
        }
        at += length;
        at += at < body.size() && body[at] == '?' ? 1 : 0; // lazy
        after_repetition = true;
    }
    return std::nullopt;
}

} // namespace

std::expected<Pattern, std::string> compile_pattern(const std::string& text)
{
    std::string body = text;
    auto flags = std::regex::ECMAScript;
    if (body.starts_with("(?i)")) {
        body.erase(0, 4);
        flags |= std::regex::icase;
    }
    if (body.find("(?P<") != std::string::npos || body.find("(?<") != std::string::npos) {
        return std::unexpected("regular expression \"" + text +
                               "\": named groups are not supported; use numbered groups and $1");
    }
    for (std::size_t at = body.find("(?"); at != std::string::npos; at = body.find("(?", at + 2)) {
        const bool escaped = at > 0 && body[at - 1] == '\\';
        const char next = at + 2 < body.size() ? body[at + 2] : '\0';
        if (!escaped && next != ':' && next != '=' && next != '!') {
            return std::unexpected("regular expression \"" + text +
                                   "\": flag groups other than a leading (?i) are not supported");
        }
    }
    if (const auto limit = beyond_re2_limits(body)) {
        return std::unexpected("invalid regular expression \"" + text + "\": " + *limit);
    }
    try {
        return Pattern{text, std::regex(body, flags)};
    } catch (const std::regex_error& error) {
        return std::unexpected("invalid regular expression \"" + text + "\": " + error.what());
    }
}

std::size_t capture_groups(const Pattern& pattern)
{
    return pattern.regex.mark_count();
}

std::optional<std::string> default_as(const Pattern& matches)
{
    switch (capture_groups(matches)) {
    case 0:
        return "$0";
    case 1:
        return "$1";
    default:
        return std::nullopt;
    }
}

std::optional<std::string> map_name(const Pattern& matches, const std::string& as,
                                    const std::string& series_name)
{
    std::smatch match;
    if (!std::regex_search(series_name, match, matches.regex)) {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < as.size(); ++i) {
        if (as[i] != '$' || i + 1 == as.size()) {
            out += as[i];
            continue;
        }
        if (as[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        std::string_view name;
        std::size_t end = i + 1;
        if (as[i + 1] == '{') {
            const std::size_t close = as.find('}', i + 2);
            if (close != std::string::npos) {
                name = std::string_view(as).substr(i + 2, close - i - 2);
                end = close + 1;
            }
            if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
                name = {};
            }
        } else {
            while (end < as.size() && is_name_char(as[end])) {
                ++end;
            }
            name = std::string_view(as).substr(i + 1, end - i - 1);
        }
        if (name.empty()) {
            out += '$'; // malformed: Go keeps the '$' as text
            continue;
        }
        out += group_value(match, name);
        i = end - 1;
    }
    return out;
}

std::string promql_string(std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (byte < 0x20 || byte == 0x7f) {
                out += "\\x";
                out += kHex[byte >> 4];
                out += kHex[byte & 0x0f];
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string regex_escape(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::expected<QueryArgs, std::string> query_args(const std::string& series,
                                                 const apiserver::LabelSelector& selector,
                                                 const std::string& namespace_label,
                                                 std::string_view ns)
{
    QueryArgs args{series, {}, {}};
    std::vector<std::string> matchers;
    for (const apiserver::LabelRequirement& requirement : selector.requirements()) {
        const std::string& key = requirement.key;
        if (!is_label_name(key)) {
            return std::unexpected("label selector key \"" + key +
                                   "\" is not a Prometheus label name");
        }
        const std::vector<std::string>& values = requirement.values;
        switch (requirement.op) {
        case Operator::Equals:
        case Operator::DoubleEquals:
            matchers.push_back(key + "=" + promql_string(values.at(0)));
            break;
        case Operator::NotEquals:
            matchers.push_back(key + "!=" + promql_string(values.at(0)));
            break;
        case Operator::In:
            matchers.push_back(key + "=~" + promql_string(join(values, "|", regex_escape)));
            break;
        case Operator::NotIn:
            matchers.push_back(key + "!~" + promql_string(join(values, "|", regex_escape)));
            break;
        case Operator::Exists:
            matchers.push_back(key + "!=\"\"");
            break;
        case Operator::DoesNotExist:
            matchers.push_back(key + "=\"\"");
            break;
        case Operator::GreaterThan:
        case Operator::LessThan:
            return std::unexpected("label selector \"" + requirement.to_string() +
                                   "\": the operators > and < have no Prometheus matcher");
        }
        args.label_values_by_name[key] = join(values, "|", verbatim);
    }
    if (!namespace_label.empty()) {
        matchers.push_back(namespace_label + "=" + promql_string(ns));
        args.label_values_by_name[namespace_label] = std::string(ns);
    }
    args.label_matchers = join(matchers, ",", verbatim);
    return args;
}

std::expected<QueryTemplate, std::string> QueryTemplate::parse(std::string_view text)
{
    QueryTemplate out;
    out.text_ = std::string(text);
    std::size_t at = 0;
    bool trim_next = false;
    while (at <= text.size()) {
        const std::size_t open = text.find("<<", at);
        std::string literal(text.substr(at, open == std::string_view::npos ? open : open - at));
        if (trim_next) {
            literal.erase(0, literal.find_first_not_of(" \t\r\n") == std::string::npos
                                 ? literal.size()
                                 : literal.find_first_not_of(" \t\r\n"));
        }
        if (open == std::string_view::npos) {
            if (!literal.empty()) {
                out.parts_.push_back({Field::Literal, std::move(literal)});
            }
            break;
        }
        const std::size_t close = text.find(">>", open + 2);
        if (close == std::string_view::npos) {
            return std::unexpected("unterminated action \"<<\" at offset " + std::to_string(open) +
                                   " of the metricsQuery template");
        }
        std::string_view action = text.substr(open + 2, close - open - 2);
        if (action.starts_with("- ")) {
            literal.erase(literal.find_last_not_of(" \t\r\n") + 1);
            action.remove_prefix(2);
        }
        trim_next = action.ends_with(" -");
        if (trim_next) {
            action.remove_suffix(2);
        }
        if (!literal.empty()) {
            out.parts_.push_back({Field::Literal, std::move(literal)});
        }
        const std::size_t first = action.find_first_not_of(' ');
        action = first == std::string_view::npos
                     ? std::string_view()
                     : action.substr(first, action.find_last_not_of(' ') - first + 1);
        static const std::regex kIndex(R"re(index\s+\.LabelValuesByName\s+"([^"\\]*)")re");
        std::match_results<std::string_view::const_iterator> index;
        if (action == ".Series") {
            out.parts_.push_back({Field::Series, {}});
        } else if (action == ".LabelMatchers") {
            out.parts_.push_back({Field::LabelMatchers, {}});
        } else if (action == ".GroupBy") {
            out.parts_.push_back({Field::GroupBy, {}});
        } else if (action == ".GroupBySlice") {
            out.parts_.push_back({Field::GroupBySlice, {}});
        } else if (std::regex_match(action.begin(), action.end(), index, kIndex)) {
            out.parts_.push_back({Field::LabelValue, index[1].str()});
        } else {
            return std::unexpected(
                "unsupported action \"<<" + std::string(action) +
                ">>\" in the metricsQuery template (supported: <<.Series>>, <<.LabelMatchers>>, "
                "<<.GroupBy>>, <<.GroupBySlice>>, <<index .LabelValuesByName \"label\">>)");
        }
        at = close + 2;
    }
    return out;
}

std::string QueryTemplate::expand(const QueryArgs& args) const
{
    std::string out;
    for (const Part& part : parts_) {
        switch (part.field) {
        case Field::Literal:
            out += part.text;
            break;
        case Field::Series:
            out += args.series;
            break;
        case Field::LabelMatchers:
            out += args.label_matchers;
            break;
        case Field::GroupBy:
            break; // external metrics are not grouped by a resource
        case Field::GroupBySlice:
            out += "[]"; // Go's rendering of the empty slice
            break;
        case Field::LabelValue: {
            const auto found = args.label_values_by_name.find(part.text);
            out += found == args.label_values_by_name.end() ? std::string() : found->second;
            break;
        }
        }
    }
    return out;
}

} // namespace ihpa::adapter::external_rules
