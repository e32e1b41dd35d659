#include "adapter/source/prometheus/external_rules_query.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <re2/re2.h>

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

/// The value of group `name` for Go's `Regexp.Expand`: a number without a leading zero is that
/// group, anything else a named group; empty when unknown or unmatched. `groups` holds the whole match and every group
/// (an unmatched one has a null data pointer).
std::string group_value(const re2::RE2& regex, const std::vector<re2::StringPiece>& groups,
                        std::string_view name)
{
    std::size_t index = 0;
    if (std::all_of(name.begin(), name.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) &&
        (name.size() == 1 || name[0] != '0')) {
        if (name.size() > 8) {
            return {};
        }
        index = std::stoul(std::string(name));
    } else {
        const auto& named = regex.NamedCapturingGroups();
        const auto found = named.find(std::string(name));
        if (found == named.end()) {
            return {};
        }
        index = static_cast<std::size_t>(found->second);
    }
    return index < groups.size() && groups[index].data() != nullptr
               ? std::string(groups[index].data(), groups[index].size())
               : std::string();
}

} // namespace

std::expected<Pattern, std::string> compile_pattern(const std::string& text)
{
    re2::RE2::Options options;
    options.set_log_errors(false); // the error is returned, not written to stderr
    auto regex = std::make_shared<const re2::RE2>(text, options);
    if (!regex->ok()) {
        return std::unexpected("invalid regular expression \"" + text + "\": " + regex->error());
    }
    return Pattern{text, std::move(regex)};
}

bool matches(const Pattern& pattern, std::string_view text)
{
    return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *pattern.regex);
}

std::size_t capture_groups(const Pattern& pattern)
{
    return static_cast<std::size_t>(pattern.regex->NumberOfCapturingGroups());
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
    const re2::RE2& regex = *matches.regex;
    std::vector<re2::StringPiece> groups(capture_groups(matches) + 1);
    if (!regex.Match(series_name, 0, series_name.size(), re2::RE2::UNANCHORED, groups.data(),
                     static_cast<int>(groups.size()))) {
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
        out += group_value(regex, groups, name);
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
        static const re2::RE2 kIndex(R"re(index\s+\.LabelValuesByName\s+"([^"\\]*)")re");
        std::string label;
        if (action == ".Series") {
            out.parts_.push_back({Field::Series, {}});
        } else if (action == ".LabelMatchers") {
            out.parts_.push_back({Field::LabelMatchers, {}});
        } else if (action == ".GroupBy") {
            out.parts_.push_back({Field::GroupBy, {}});
        } else if (action == ".GroupBySlice") {
            out.parts_.push_back({Field::GroupBySlice, {}});
        } else if (re2::RE2::FullMatch(re2::StringPiece(action.data(), action.size()), kIndex,
                                       &label)) {
            out.parts_.push_back({Field::LabelValue, std::move(label)});
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
