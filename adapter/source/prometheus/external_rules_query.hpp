#pragma once

// The pure half of prometheus-adapter's `externalRules` (kubernetes-sigs/prometheus-adapter
// docs/config.md and docs/externalmetrics.md): naming series as metrics, and expanding the
// `metricsQuery` template for a request's namespace and label selector.
//
// Regular expressions: prometheus-adapter uses Go's regexp, whose syntax is RE2's; we use RE2
// itself, so every pattern upstream accepts (flags such as `(?i)` and `(?s)`, named groups
// `(?P<name>...)`) means the same here, and matching takes time linear in the series name whatever
// the pattern. Like Go's `MatchString`, a match is searched leftmost-first and unanchored.
// `as` is expanded with Go's `Regexp.Expand` rules: `$1` and `${1}` are group 1, `$0` is the
// whole match, `$name` and `${name}` a named group, `$$` is a literal `$`, a name is the longest
// run of letters, digits and `_` (so `$1x` is the unknown group "1x" and expands to nothing; write
// `${1}x`), an unknown or unmatched group expands to nothing, and a `$` not followed by a name is
// kept as is. The result is the expanded `as` alone, never the series name with the match
// replaced.

#include "apiserver/label_selector.hpp"

#include <expected>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace ihpa::adapter::external_rules {

/// A compiled regular expression with the text it came from; copies share the compiled form,
/// which is immutable and safe to match from several threads.
struct Pattern {
    std::string text;
    std::shared_ptr<const re2::RE2> regex;
};

/// Compiles `text` (RE2 syntax, as Go's regexp); the error names the pattern and says what is
/// invalid.
[[nodiscard]] std::expected<Pattern, std::string> compile_pattern(const std::string& text);

/// Whether `pattern` matches anywhere in `text` (Go's `MatchString`).
[[nodiscard]] bool matches(const Pattern& pattern, std::string_view text);

/// The number of capture groups of `pattern`.
[[nodiscard]] std::size_t capture_groups(const Pattern& pattern);

/// prometheus-adapter's metric name for `series_name`: nullopt when `matches` does not match
/// anywhere in it, else `as` expanded with the first match's groups (Go `Regexp.Expand`).
[[nodiscard]] std::optional<std::string> map_name(const Pattern& matches, const std::string& as,
                                                  const std::string& series_name);

/// The default `as` when a rule gives none: `$0` without capture groups, `$1` with one; nullopt
/// (a configuration error) with more.
[[nodiscard]] std::optional<std::string> default_as(const Pattern& matches);

/// `text` as a PromQL double-quoted string literal, escaped as Go's `%q` does (which
/// prometheus-adapter uses): `\\`, `\"`, `\n`, `\r`, `\t` and `\xNN` for other control bytes.
[[nodiscard]] std::string promql_string(std::string_view text);

/// `text` with the RE2 metacharacters `\.+*?()|[]{}^$` backslash-escaped, so a regex matcher
/// matches it literally.
[[nodiscard]] std::string regex_escape(std::string_view text);

/// The template fields of a `metricsQuery`, after prometheus-adapter's `queryTemplateArgs`.
struct QueryArgs {
    std::string series;         ///< `<<.Series>>`: the Prometheus series name
    std::string label_matchers; ///< `<<.LabelMatchers>>`: `a="b",c=~"d|e"` (no braces)
    /// `<<index .LabelValuesByName "key">>`: the selector's values per label joined with "|"
    std::map<std::string, std::string> label_values_by_name;
};

/// The matchers of `selector` plus, when `namespace_label` is not empty, `namespace_label="ns"`
/// (after the selector's, as prometheus-adapter orders them). Operators: `=`/`==` → `k="v"`,
/// `!=` → `k!="v"`, `in` → `k=~"a|b"` and `notin` → `k!~"a|b"` with regex-escaped values
/// (prometheus-adapter passes them unescaped, so `.` matched any byte), exists → `k!=""`,
/// `!k` → `k=""`. `>` and `<` have no PromQL matcher and label keys that are not Prometheus
/// label names (`app.kubernetes.io/name`) cannot be matched: both are errors, as the request
/// cannot be answered faithfully.
[[nodiscard]] std::expected<QueryArgs, std::string>
query_args(const std::string& series, const apiserver::LabelSelector& selector,
           const std::string& namespace_label, std::string_view ns);

/// A parsed `metricsQuery` template (Go text/template with `<<` `>>` delimiters). Supported
/// actions, as prometheus-adapter's external rules offer them: `.Series`, `.LabelMatchers`,
/// `.GroupBy` (always empty for external metrics), `.GroupBySlice` (always `[]`), and
/// `index .LabelValuesByName "<label>"`; `<<-` and `->>` trim surrounding whitespace.
class QueryTemplate {
public:
    /// Parses `text`; the error names the first unsupported or unterminated action.
    [[nodiscard]] static std::expected<QueryTemplate, std::string> parse(std::string_view text);

    /// The query for `args`.
    [[nodiscard]] std::string expand(const QueryArgs& args) const;

    /// The template as written.
    [[nodiscard]] const std::string& text() const { return text_; }

private:
    enum class Field { Literal, Series, LabelMatchers, GroupBy, GroupBySlice, LabelValue };
    struct Part {
        Field field = Field::Literal;
        std::string text; ///< the literal, or the label of LabelValue
    };
    std::string text_;
    std::vector<Part> parts_;
};

} // namespace ihpa::adapter::external_rules
