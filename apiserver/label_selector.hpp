#pragma once

// Kubernetes label selectors, parsed and matched as k8s.io/apimachinery/pkg/labels/selector.go
// (`labels.Parse`) does:
//
//   selector    := "" | requirement ("," requirement)*        ("" selects everything)
//   requirement := ["!"] KEY
//                | KEY ("=" | "==" | "!=") [VALUE]            (a missing VALUE is "")
//                | KEY (">" | "<") INTEGER
//                | KEY ("in" | "notin") "(" [VALUE] ("," [VALUE])* ")"
//
// Whitespace (space, tab, CR, LF) separates tokens and is otherwise ignored; the symbols
// `! = == != > < ( ) ,` end an identifier; `in`/`notin` are keywords only where an operator is
// expected (`in in (in)` is valid). Empty set entries are the empty value: `x in ()` is
// `x in ("")` and `x in (a,,b)` holds "", a and b. KEY is a qualified name: an optional
// lowercase DNS-1123 subdomain prefix of at most 253 bytes and "/", then a name of at most 63
// bytes matching [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?. VALUE is empty or such a name. The
// `>`/`<` operand is a base-10 int64; a label matches only if its value parses as one too.
//
// Requirements are kept stably sorted by key and set values sorted and de-duplicated, so
// `to_string()` is upstream's canonical `String()` (what the HPA sends as `labelSelector`).
//
// Deliberate differences from upstream:
//  * A NUL byte is an ordinary (invalid) identifier byte; upstream's lexer mistakes it for the
//    end of input and silently ignores the rest of the selector.
//  * `exact_value(key)` looks at every requirement on `key`; upstream's `RequiresExactMatch`
//    answers from the first one only (`x!=a,x=b` pins x to b here, to nothing upstream).
//  * Messages name the token and its 0-based byte offset; tokens are quoted with bytes outside
//    printable ASCII escaped as \xNN and long tokens shortened, so a message is safe to return
//    in a JSON body whatever the input was.
//
// Parsing is a single left-to-right pass without recursion: linear in the input.

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::apiserver {

/// Why a selector, key or value was rejected. Parse errors start with upstream's wording
/// (`unable to parse requirement: ...`, `found ',' ..., expected: identifier`) and name the
/// offending token and its byte position.
struct SelectorError {
    std::string message;
};

/// One requirement of a selector: `key`, an operator and its (sorted, unique) values.
struct LabelRequirement {
    /// The operators of upstream's `selection.Operator` that `labels.Parse` accepts.
    enum class Operator {
        Equals,       ///< `k=v`: the label exists and equals the single value
        DoubleEquals, ///< `k==v`: same as Equals, spelled differently in to_string()
        NotEquals,    ///< `k!=v`: the label is missing or differs from the single value
        In,           ///< `k in (a,b)`: the label exists and is one of the values
        NotIn,        ///< `k notin (a,b)`: the label is missing or is none of the values
        Exists,       ///< `k`: the label exists (no values)
        DoesNotExist, ///< `!k`: the label is missing (no values)
        GreaterThan,  ///< `k>n`: the label is an integer greater than the single value
        LessThan,     ///< `k<n`: the label is an integer less than the single value
    };

    std::string key;                 ///< a valid qualified name
    Operator op = Operator::Exists;  ///< how `values` relate to the label
    std::vector<std::string> values; ///< sorted and unique; exactly one for the binary operators

    /// True when `labels` satisfy this requirement, with upstream `Requirement.Matches`
    /// semantics (`!=` and `notin` also match when the key is missing).
    [[nodiscard]] bool matches(const std::map<std::string, std::string>& labels) const;

    /// Upstream `Requirement.String()`: `k=v`, `k==v`, `k!=v`, `k>n`, `k<n`, `k in (a,b)`,
    /// `k notin (a,b)`, `k` or `!k`.
    [[nodiscard]] std::string to_string() const;

    /// True when both have the same key, operator and values.
    friend bool operator==(const LabelRequirement&, const LabelRequirement&) = default;
};

/// A parsed, validated selector; only `parse_label_selector` makes a non-empty one. The
/// default-constructed selector is empty and matches everything.
class LabelSelector {
public:
    /// The empty selector (upstream `labels.Everything()`).
    LabelSelector() = default;

    /// The requirements, stably sorted by key.
    [[nodiscard]] const std::vector<LabelRequirement>& requirements() const
    {
        return requirements_;
    }

    /// True when the selector has no requirement and therefore matches every label set.
    [[nodiscard]] bool empty() const { return requirements_.empty(); }

    /// True when `labels` satisfy every requirement.
    [[nodiscard]] bool matches(const std::map<std::string, std::string>& labels) const;

    /// Upstream's canonical `String()`: the requirements' texts joined by ",", e.g.
    /// `app=web,env in (prod,staging),!legacy`; "" for the empty selector. Parsing the result
    /// yields an equal selector.
    [[nodiscard]] std::string to_string() const;

    /// The one value the selector pins `key` to, from a requirement `key=v`, `key==v` or
    /// `key in (v)` (the first such requirement as written); nullopt when there is none.
    [[nodiscard]] std::optional<std::string> exact_value(std::string_view key) const;

    /// True when both hold the same requirements in the same order.
    friend bool operator==(const LabelSelector&, const LabelSelector&) = default;

private:
    friend std::expected<LabelSelector, SelectorError> parse_label_selector(std::string_view);
    explicit LabelSelector(std::vector<LabelRequirement>&& requirements);

    std::vector<LabelRequirement> requirements_;
};

/// Parses `text` with the grammar above. `text` must already be URL-decoded; it may hold any
/// bytes (control bytes, invalid UTF-8 and NUL are rejected as invalid identifiers). The error
/// names the first offending token and its byte position.
[[nodiscard]] std::expected<LabelSelector, SelectorError> parse_label_selector(
    std::string_view text);

/// Checks `key` as upstream `IsLabelKey` (a qualified name). The error lists every problem,
/// joined by "; ", in upstream's words without the regex hints.
[[nodiscard]] std::expected<void, SelectorError> validate_label_key(std::string_view key);

/// Checks `value` as upstream `IsValidLabelValue`: empty, or at most 63 bytes of
/// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?.
[[nodiscard]] std::expected<void, SelectorError> validate_label_value(std::string_view value);

} // namespace ihpa::apiserver
