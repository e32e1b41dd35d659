// Tables marked "upstream" are ported from kubernetes/apimachinery:
//   pkg/labels/selector_test.go (TestSelectorParse, TestSetSelectorParser, TestSelectorMatches,
//   TestRequirementSelectorMatching, TestToString, TestRequiresExactMatch, TestParseOperator)
//   pkg/api/validate/content/kube_test.go (TestIsLabelKey, TestIsLabelValue)
#include "apiserver/label_selector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace ihpa::apiserver {
namespace {

using Op = LabelRequirement::Operator;
using Labels = std::map<std::string, std::string>;

struct ValidCase {
    std::string name;
    std::string input;
    std::string canonical; ///< expected to_string()
};

TEST(LabelSelector, ParsesValidSelectorsToCanonicalText)
{
    const std::vector<ValidCase> cases = {
        // upstream TestSelectorParse: the canonical text is the input without spaces
        {"upstream equals list", "x=a,y=b,z=c", "x=a,y=b,z=c"},
        {"upstream empty", "", ""},
        {"upstream not equals", "x!=a,y=b", "x!=a,y=b"},
        {"upstream empty value", "x=", "x="},
        {"upstream empty value then space", "x= ", "x="},
        {"upstream empty values", "x=,z= ", "x=,z="},
        {"upstream empty values spaced", "x= ,z= ", "x=,z="},
        {"upstream does not exist", "!x", "!x"},
        {"upstream greater than", "x>1", "x>1"},
        {"upstream greater and less", "x>1,z<5", "x>1,z<5"},
        // upstream TestSetSelectorParser, valid rows
        {"upstream leading carriage return", "\rx", "x"},
        {"upstream prefixed key", "this-is-a-dns.domain.com/key-with-dash",
         "this-is-a-dns.domain.com/key-with-dash"},
        {"upstream prefixed key in", "this-is-another-dns.domain.com/key-with-dash in (so,what)",
         "this-is-another-dns.domain.com/key-with-dash in (so,what)"},
        {"upstream numeric prefix notin", "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
         "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"},
        {"upstream spaces and tab", "foo  in\t (abc)", "foo in (abc)"},
        {"upstream newline", "x notin\n (abc)", "x notin (abc)"},
        {"upstream tabs", "x  notin\t\t\t(abc,def)", "x notin (abc,def)"},
        {"upstream in two", "x in (abc,def)", "x in (abc,def)"},
        {"upstream trailing empty entry", "x in (abc,)", "x in (,abc)"},
        {"upstream duplicate entry", "x in (abc,abc)", "x in (abc)"},
        {"upstream empty set", "x in ()", "x in ()"},
        {"upstream two empty entries", "x in (a,,)", "x in (,a)"},
        {"upstream three empty entries", "x in (a,,,)", "x in (,a)"},
        {"upstream many empty entries", "x in (a,,,,,,)", "x in (,a)"},
        {"upstream repeated entries", "x in (a,,a,,a,,a,,)", "x in (,a)"},
        {"upstream mixed", "x notin (abc,,def),bar,z in (),w",
         "bar,w,x notin (,abc,def),z in ()"},
        {"upstream exists and in", "x,y in (a)", "x,y in (a)"},
        {"upstream equals", "x=a", "x=a"},
        {"upstream less than", "x<7", "x<7"},
        {"upstream equals and not equals", "x=a,y!=b", "x=a,y!=b"},
        {"upstream three kinds", "x=a,y!=b,z in (h,i,j)", "x=a,y!=b,z in (h,i,j)"},
        {"upstream notin blank", "x notin ( )", "x notin ()"},
        {"upstream notin leading empty", "x notin (, a)", "x notin (,a)"},
        {"upstream trailing space", "a ", "a"},
        {"upstream keywords as values", "a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"},
        // upstream TestSelectorMatches / TestToString selectors
        {"upstream keywords in exact match", "notin=in", "notin=in"},
        {"upstream to string sets", "x in (abc,def),y notin (jkl),z",
         "x in (abc,def),y notin (jkl),z"},
        {"upstream to string negations", "x notin (abc,def),y!=jkl,!z",
         "x notin (abc,def),y!=jkl,!z"},
        {"upstream to string empty notin", "x notin (abc),y in (jkl,mno),z notin ()",
         "x notin (abc),y in (jkl,mno),z notin ()"},
        {"upstream to string duplicate key", "x=abc,y==jkl,z!=a,z", "x=abc,y==jkl,z!=a,z"},
        {"upstream to string comparisons", "x>2,y<8,z", "x>2,y<8,z"},
        // ours
        {"only whitespace", " \t\r\n ", ""},
        {"sorted by key", "z=1,a=2,m", "a=2,m,z=1"},
        {"stable for equal keys", "k!=b,k=a", "k!=b,k=a"},
        {"set values sorted", "env in (staging,prod,dev)", "env in (dev,prod,staging)"},
        {"double equals kept", "app==web", "app==web"},
        {"whitespace around operators", " app = web , tier != db ", "app=web,tier!=db"},
        {"no space before set", "x in(a)", "x in (a)"},
        {"keyword as key", "in in (in)", "in in (in)"},
        {"notin as key exists", "notin", "notin"},
        {"notin as value", "x=notin", "x=notin"},
        {"empty value before comma", "x=,y", "x=,y"},
        {"negated prefixed key", "!example.com/legacy", "!example.com/legacy"},
        {"upper case name", "App_Name.v1=Web-1", "App_Name.v1=Web-1"},
        {"max length name and value", std::string(63, 'k') + "=" + std::string(63, 'v'),
         std::string(63, 'k') + "=" + std::string(63, 'v')},
        {"max length prefix", std::string(253, 'p') + "/n", std::string(253, 'p') + "/n"},
        {"greater than int64 max", "x>9223372036854775807", "x>9223372036854775807"},
        {"less than zero padded", "x<007", "x<007"},
        {"HPA selector from the contracts",
         "app=web,env in (prod,staging)", "app=web,env in (prod,staging)"},
    };
    for (const ValidCase& c : cases) {
        SCOPED_TRACE(c.name);
        const auto selector = parse_label_selector(c.input);
        ASSERT_TRUE(selector.has_value()) << selector.error().message;
        EXPECT_EQ(selector->to_string(), c.canonical);
        EXPECT_EQ(selector->empty(), c.canonical.empty());
        const auto reparsed = parse_label_selector(selector->to_string());
        ASSERT_TRUE(reparsed.has_value()) << reparsed.error().message;
        EXPECT_EQ(*reparsed, *selector);
    }
}

TEST(LabelSelector, ExposesRequirementsSortedByKey)
{
    const auto selector = parse_label_selector("z in (b,a,b), !y, x, w!=1, v==2, u=3, t>4, s<5");
    ASSERT_TRUE(selector.has_value()) << selector.error().message;
    const std::vector<LabelRequirement> expected = {
        {"s", Op::LessThan, {"5"}},   {"t", Op::GreaterThan, {"4"}},
        {"u", Op::Equals, {"3"}},     {"v", Op::DoubleEquals, {"2"}},
        {"w", Op::NotEquals, {"1"}},  {"x", Op::Exists, {}},
        {"y", Op::DoesNotExist, {}},  {"z", Op::In, {"a", "b"}},
    };
    EXPECT_EQ(selector->requirements(), expected);
}

TEST(LabelSelector, ParseIsDeterministic) // upstream TestDeterministicParse
{
    const auto a = parse_label_selector("x=a,a=x");
    const auto b = parse_label_selector("a=x,x=a");
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_EQ(a->to_string(), b->to_string());
    EXPECT_EQ(*a, *b);
}

TEST(LabelSelector, DefaultIsEmptyAndMatchesEverything) // upstream TestEverything
{
    const LabelSelector everything;
    EXPECT_TRUE(everything.empty());
    EXPECT_TRUE(everything.matches({{"x", "y"}}));
    EXPECT_TRUE(everything.matches({}));
    EXPECT_EQ(everything.to_string(), "");
    EXPECT_EQ(everything, *parse_label_selector(""));
}

struct InvalidCase {
    std::string name;
    std::string input;
    std::string token;     ///< how the offending token appears in the message
    std::size_t position;  ///< its byte offset
    std::string expecting; ///< another fragment the message must hold
};

TEST(LabelSelector, RejectsInvalidSelectorsNamingTheToken)
{
    const std::string long_value(64, 'v');
    const std::string long_prefix(254, 'a');
    const std::vector<InvalidCase> cases = {
        // upstream TestSelectorParse, bad strings
        {"upstream double pipe", "x=a||y=b", "'a||y'", 2, "invalid value"},
        {"upstream chained double equals", "x==a==b", "'=='", 4,
         "expected: ',' or 'end of string'"},
        {"upstream negated with value", "!x=a", "'='", 2, "expected: ',' or 'end of string'"},
        {"upstream less than word", "x<a", "'a'", 2, "must be an integer"},
        // upstream TestSetSelectorParser, invalid rows
        {"upstream double comma", "x,,y", "','", 2, "expected: identifier after ','"},
        {"upstream leading comma", ",x,y", "','", 0,
         "expected: !, identifier, or 'end of string'"},
        {"upstream misspelt operator", "x nott in (y)", "'nott'", 2,
         "expected: in, notin, =, ==, !=, gt, lt"},
        {"upstream trailing comma", "a in (xyz),", "end of string", 11,
         "expected: identifier after ','"},
        {"upstream missing comma after set", "a in (xyz)b notin ()", "'b'", 10,
         "expected: ',' or 'end of string'"},
        {"upstream no comma in set", "a in (xyz abc)", "'abc'", 10, "expected: ',' or ')'"},
        {"upstream unterminated set", "a notin(", "end of string", 8,
         "expected: ',', ')' or identifier"},
        {"upstream parenthesis after key", "a (", "'('", 2,
         "expected: in, notin, =, ==, !=, gt, lt"},
        {"upstream lone parenthesis", "(", "'('", 0,
         "expected: !, identifier, or 'end of string'"},
        // upstream TestParseOperator: what is not a binary operator
        {"upstream bang as operator", "x !", "'!'", 2, "expected: in, notin, =, ==, !=, gt, lt"},
        {"upstream word as operator", "x exists", "'exists'", 2,
         "expected: in, notin, =, ==, !=, gt, lt"},
        // upstream TestRequirementConstructor, through the parser
        {"upstream key too long", std::string(254, 'a'), "'" + std::string(64, 'a') + "...'", 0,
         "name part must be no more than 63 bytes"},
        {"upstream value too long", "x16=" + long_value, "'" + long_value.substr(0, 64) + "'", 4,
         "must be no more than 63 bytes"},
        {"upstream greater than word", "x14>bar", "'bar'", 4, "must be an integer"},
        {"upstream less than word again", "x15<bar", "'bar'", 4, "must be an integer"},
        // ours: grammar
        {"trailing comma after exists", "a,", "end of string", 2, "identifier after ','"},
        {"operator first", "=a", "'='", 0, "expected: !, identifier, or 'end of string'"},
        {"double negation", "!!x", "'!'", 1, "expected: identifier"},
        {"negation alone", "!", "end of string", 1, "expected: identifier"},
        {"negation of set", "!x in (a)", "'in'", 3, "expected: ',' or 'end of string'"},
        {"in without set", "x in", "end of string", 4, "expected: '('"},
        {"in with bare value", "x in a", "'a'", 5, "expected: '('"},
        {"nested parentheses", "x in ((a))", "'('", 6, "expected: ',', ')' or identifier"},
        {"operator inside set", "x in (a,=)", "'='", 8, "expected: ',', ')' or identifier"},
        {"set unterminated after value", "x in (a", "end of string", 7, "expected: ',' or ')'"},
        {"value is a symbol", "x=)", "')'", 2, "expected: identifier"},
        {"value is open paren", "x!=(a)", "'('", 3, "expected: identifier"},
        {"triple equals", "x===a", "'='", 3, "expected: identifier"},
        {"two values", "x=a b", "'b'", 4, "expected: ',' or 'end of string'"},
        {"set after equals", "x=(a)", "'('", 2, "expected: identifier"},
        {"greater than empty", "x>", "''", 2, "must be an integer"},
        {"greater than negative", "x>-1", "'-1'", 2, "invalid value"},
        {"greater than overflow", "x>9223372036854775808", "'9223372036854775808'", 2,
         "must be an integer"},
        {"form feed is not whitespace", "x=\fa", "'\\x0ca'", 2, "invalid value"},
        // ours: keys
        {"key with trailing dash", "cantendwithadash-=1", "'cantendwithadash-'", 0,
         "name part must consist of alphanumeric characters"},
        {"key with two slashes", "only/one/slash", "'only/one/slash'", 0,
         "a valid label key must consist of"},
        {"key with upper case prefix", "Example.com/abc", "'Example.com/abc'", 0,
         "prefix part a lowercase RFC 1123 subdomain"},
        {"key with empty prefix", "/simple", "'/simple'", 0, "prefix part must be non-empty"},
        {"key with empty name", "example.com/ in (a)", "'example.com/'", 0,
         "name part must be non-empty"},
        {"key with long prefix", "!" + long_prefix + "/abc", "'" + long_prefix.substr(0, 64) +
         "...'", 1, "prefix part must be no more than 253 bytes"},
        {"key with percent", "a%3Db", "'a%3Db'", 0, "name part must consist of"},
        {"key with plus", "app+in", "'app+in'", 0, "name part must consist of"},
        {"key after comma invalid", "a=b,-c", "'-c'", 4, "invalid key"},
        // ours: values
        {"value with leading dot", "x in (ok,.bad)", "'.bad'", 9, "a valid label must be"},
        {"value with backslash", "x=\\bad", "'\\x5cbad'", 2, "invalid value"},
        {"value with quote", "x='a'", "'\\x27a\\x27'", 2, "invalid value"},
        {"value with utf-8", "x=r\xc4\x81", "'r\\xc4\\x81'", 2, "invalid value"},
        {"value with invalid utf-8", "x=\xff\xfe", "'\\xff\\xfe'", 2, "invalid value"},
        {"value with control byte", "x=a\x01", "'a\\x01'", 2, "invalid value"},
        {"value with NUL", std::string("x=a\0b", 5), "'a\\x00b'", 2, "invalid value"},
        {"NUL after a valid selector", std::string("x=a \0", 5), "'\\x00'", 4,
         "expected: ',' or 'end of string'"},
    };
    for (const InvalidCase& c : cases) {
        SCOPED_TRACE(c.name);
        const auto selector = parse_label_selector(c.input);
        ASSERT_FALSE(selector.has_value()) << selector->to_string();
        const std::string& message = selector.error().message;
        EXPECT_NE(message.find(c.token + " at position " + std::to_string(c.position)),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find(c.expecting), std::string::npos) << message;
    }
}

TEST(LabelSelector, PrefixesRequirementErrorsLikeUpstream)
{
    const auto in_requirement = parse_label_selector("x in (a b)");
    ASSERT_FALSE(in_requirement.has_value());
    EXPECT_EQ(in_requirement.error().message,
              "unable to parse requirement: found 'b' at position 8, expected: ',' or ')'");
    const auto between = parse_label_selector("x,,y");
    ASSERT_FALSE(between.has_value());
    EXPECT_EQ(between.error().message,
              "found ',' at position 2, expected: identifier after ','");
    const auto key = parse_label_selector("a=1,-b");
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().message,
              "unable to parse requirement: invalid key '-b' at position 4: name part must "
              "consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
              "an alphanumeric character");
}

struct MatchCase {
    std::string name;
    std::string selector;
    Labels labels;
    bool matches;
};

TEST(LabelSelector, MatchesLabelSets)
{
    const Labels foo_baz = {{"foo", "bar"}, {"baz", "blah"}};
    const std::vector<MatchCase> cases = {
        // upstream TestSelectorMatches
        {"upstream empty", "", {{"x", "y"}}, true},
        {"upstream equals", "x=y", {{"x", "y"}}, true},
        {"upstream two equals", "x=y,z=w", {{"x", "y"}, {"z", "w"}}, true},
        {"upstream two not equals", "x!=y,z!=w", {{"x", "z"}, {"z", "a"}}, true},
        {"upstream keywords", "notin=in", {{"notin", "in"}}, true},
        {"upstream exists", "x", {{"x", "z"}}, true},
        {"upstream does not exist", "!x", {{"y", "z"}}, true},
        {"upstream greater than", "x>1", {{"x", "2"}}, true},
        {"upstream less than", "x<1", {{"x", "0"}}, true},
        {"upstream equals missing", "x=z", {}, false},
        {"upstream equals other", "x=y", {{"x", "z"}}, false},
        {"upstream one of two", "x=y,z=w", {{"x", "w"}, {"z", "w"}}, false},
        {"upstream not equals hit", "x!=y,z!=w", {{"x", "z"}, {"z", "w"}}, false},
        {"upstream exists missing", "x", {{"y", "z"}}, false},
        {"upstream does not exist present", "!x", {{"x", "z"}}, false},
        {"upstream greater than fails", "x>1", {{"x", "0"}}, false},
        {"upstream less than fails", "x<1", {{"x", "2"}}, false},
        {"upstream foo", "foo=bar", foo_baz, true},
        {"upstream baz", "baz=blah", foo_baz, true},
        {"upstream both", "foo=bar,baz=blah", foo_baz, true},
        {"upstream wrong foo", "foo=blah", foo_baz, false},
        {"upstream wrong baz", "baz=bar", foo_baz, false},
        {"upstream extra key", "foo=bar,foobar=bar,baz=blah", foo_baz, false},
        // upstream TestRequirementSelectorMatching
        {"upstream in and notin", "x in (foo),y notin (alpha)", {{"x", "foo"}, {"y", "baz"}},
         true},
        {"upstream in and in", "x in (foo),y in (alpha)", {{"x", "foo"}, {"y", "baz"}}, false},
        {"upstream notin empty missing", "x notin (),y", {{"y", ""}}, true},
        {"upstream missing and exists", "!x,y", {{"y", ""}}, true},
        {"upstream exists negated", "x notin (),!y", {{"y", ""}}, false},
        {"upstream in empty", "x in ()", {{"y", "baz"}}, false},
        {"upstream greater than two", "z>1", {{"z", "2"}}, true},
        {"upstream greater than word label", "z>1", {{"z", "v2"}}, false},
        // ours
        {"in empty matches empty value", "x in ()", {{"x", ""}}, true},
        {"empty value matches empty label", "x=", {{"x", ""}}, true},
        {"empty value misses missing label", "x=", {}, false},
        {"not equals matches missing", "x!=a", {}, true},
        {"notin matches missing", "x notin (a,b)", {}, true},
        {"notin hit", "x notin (a,b)", {{"x", "b"}}, false},
        {"in second value", "env in (prod,staging)", {{"env", "staging"}}, true},
        {"case sensitive values", "app=Web", {{"app", "web"}}, false},
        {"case sensitive keys", "App=web", {{"app", "web"}}, false},
        {"greater than missing", "x>1", {}, false},
        {"less than missing", "x<1", {}, false},
        {"greater than signed label", "x>1", {{"x", "+2"}}, true},
        {"less than negative label", "x<0", {{"x", "-5"}}, true},
        {"greater than overflowing label", "x>1", {{"x", "99999999999999999999"}}, false},
        {"less than int64 min label", "x<0", {{"x", "-9223372036854775808"}}, true},
        {"greater than sign only label", "x>0", {{"x", "+"}}, false},
        {"greater than plus minus label", "x<0", {{"x", "+-1"}}, false},
        {"greater than padded", "x>007", {{"x", "8"}}, true},
        {"contradiction", "x=a,x=b", {{"x", "a"}}, false},
        {"prefixed key", "example.com/app=web", {{"example.com/app", "web"}}, true},
    };
    for (const MatchCase& c : cases) {
        SCOPED_TRACE(c.name);
        const auto selector = parse_label_selector(c.selector);
        ASSERT_TRUE(selector.has_value()) << selector.error().message;
        EXPECT_EQ(selector->matches(c.labels), c.matches);
    }
}

TEST(LabelRequirement, MatchesUnsortedValuesAndToleratesMissingOperand)
{
    const LabelRequirement in{"x", Op::In, {"b", "a"}};
    EXPECT_TRUE(in.matches({{"x", "a"}}));
    EXPECT_EQ(in.to_string(), "x in (b,a)");
    const LabelRequirement no_bound{"x", Op::GreaterThan, {}};
    EXPECT_FALSE(no_bound.matches({{"x", "1"}}));
}

struct ExactCase {
    std::string name;
    std::string selector;
    std::string key;
    std::optional<std::string> value;
};

TEST(LabelSelector, ExactValue)
{
    const std::vector<ExactCase> cases = {
        // upstream TestRequiresExactMatch
        {"upstream in single value", "key in (value)", "key", "value"},
        {"upstream in two values", "key in (value,value2)", "key", std::nullopt},
        {"upstream second key", "key in (value,value1),key2 in (value2)", "key2", "value2"},
        {"upstream equals", "key=value", "key", "value"},
        {"upstream double equals", "key==value", "key", "value"},
        {"upstream not equals", "key!=value", "key", std::nullopt},
        {"upstream first key", "key in (value),key2 in (value2)", "key", "value"},
        // ours
        {"duplicate set entries", "key in (v,v)", "key", "v"},
        {"empty value", "key=", "key", ""},
        {"empty set", "key in ()", "key", ""},
        {"notin single", "key notin (v)", "key", std::nullopt},
        {"exists", "key", "key", std::nullopt},
        {"does not exist", "!key", "key", std::nullopt},
        {"greater than", "key>1", "key", std::nullopt},
        {"other key", "other=v", "key", std::nullopt},
        {"empty selector", "", "key", std::nullopt},
        {"key is a prefix of another", "keyx=v", "key", std::nullopt},
        {"pinned after another requirement on the key", "key!=a,key=b", "key", "b"},
        {"first pin wins", "key=a,key=b", "key", "a"},
    };
    for (const ExactCase& c : cases) {
        SCOPED_TRACE(c.name);
        const auto selector = parse_label_selector(c.selector);
        ASSERT_TRUE(selector.has_value()) << selector.error().message;
        EXPECT_EQ(selector->exact_value(c.key), c.value);
    }
}

TEST(LabelKey, AcceptsUpstreamValidKeys) // upstream TestIsLabelKey, success cases
{
    const std::vector<std::string> keys = {
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/simple",
        "now-with.dashes-and.dots/simple",
        "1-num.2-num/3-num",
        "1234/5678",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
        std::string(63, 'a'),
        std::string(253, 'a') + "/" + std::string(63, 'b'),
    };
    for (const std::string& key : keys) {
        SCOPED_TRACE(key);
        const auto valid = validate_label_key(key);
        EXPECT_TRUE(valid.has_value()) << valid.error().message;
    }
}

struct BadTextCase {
    std::string text;
    std::string reason; ///< a fragment of the error
};

TEST(LabelKey, RejectsUpstreamInvalidKeys) // upstream TestIsLabelKey, error cases
{
    const std::vector<BadTextCase> cases = {
        {"nospecialchars%^=@", "name part must consist of"},
        {"cantendwithadash-", "name part must consist of"},
        {"-cantstartwithadash-", "name part must consist of"},
        {"only/one/slash", "with an optional DNS subdomain prefix and '/'"},
        {"Example.com/abc", "prefix part a lowercase RFC 1123 subdomain"},
        {"example_com/abc", "prefix part a lowercase RFC 1123 subdomain"},
        {"example.com/", "name part must be non-empty; name part must consist of"},
        {"/simple", "prefix part must be non-empty"},
        {std::string(64, 'a'), "name part must be no more than 63 bytes"},
        {std::string(254, 'a') + "/abc", "prefix part must be no more than 253 bytes"},
        {"", "name part must be non-empty"},
        {"a..b/c", "prefix part a lowercase RFC 1123 subdomain"},
        {"a-.b/c", "prefix part a lowercase RFC 1123 subdomain"},
        {"example.com./c", "prefix part a lowercase RFC 1123 subdomain"},
    };
    for (const BadTextCase& c : cases) {
        SCOPED_TRACE(c.text);
        const auto valid = validate_label_key(c.text);
        ASSERT_FALSE(valid.has_value());
        EXPECT_NE(valid.error().message.find(c.reason), std::string::npos)
            << valid.error().message;
    }
}

TEST(LabelValue, AcceptsUpstreamValidValues) // upstream TestIsLabelValue, success cases
{
    for (const std::string& value : {std::string("simple"), std::string("now-with-dashes"),
                                     std::string("1-starts-with-num"),
                                     std::string("end-with-num-1"), std::string("1234"),
                                     std::string(63, 'a'), std::string()}) {
        SCOPED_TRACE(value);
        EXPECT_TRUE(validate_label_value(value).has_value());
    }
}

TEST(LabelValue, RejectsUpstreamInvalidValues) // upstream TestIsLabelValue, error cases
{
    const std::string rule = "a valid label must be an empty string or consist of";
    const std::vector<BadTextCase> cases = {
        {"nospecialchars%^=@", rule},
        {"Tama-nui-te-r\xc4\x81.is.M\xc4\x81ori.sun", rule},
        {"\\backslashes\\are\\bad", rule},
        {"-starts-with-dash", rule},
        {"ends-with-dash-", rule},
        {".starts.with.dot", rule},
        {"ends.with.dot.", rule},
        {std::string(64, 'a'), "must be no more than 63 bytes"},
    };
    for (const BadTextCase& c : cases) {
        SCOPED_TRACE(c.text);
        const auto valid = validate_label_value(c.text);
        ASSERT_FALSE(valid.has_value());
        EXPECT_NE(valid.error().message.find(c.reason), std::string::npos)
            << valid.error().message;
    }
}

// Hostile input: everything below must finish quickly (the whole test well under a second even
// under sanitizers), without deep recursion, and keep error messages short and printable.

bool is_printable_ascii(const std::string& text)
{
    return std::ranges::all_of(text, [](char c) { return c >= 0x20 && c < 0x7f; });
}

TEST(LabelSelectorHostile, ManyRequirementsParseInLinearTime)
{
    constexpr int kCount = 20'000;
    std::string text;
    Labels labels;
    for (int i = kCount - 1; i >= 0; --i) {
        const std::string key = "k" + std::to_string(i);
        text += (text.empty() ? "" : ",") + key + " in (a,b," + std::to_string(i) + ")";
        labels[key] = std::to_string(i);
    }
    const auto selector = parse_label_selector(text);
    ASSERT_TRUE(selector.has_value()) << selector.error().message;
    ASSERT_EQ(selector->requirements().size(), static_cast<std::size_t>(kCount));
    EXPECT_TRUE(std::ranges::is_sorted(selector->requirements(), {}, &LabelRequirement::key));
    EXPECT_TRUE(selector->matches(labels));
}

TEST(LabelSelectorHostile, HugeValueSetIsDeduplicated)
{
    std::string text = "x in (";
    for (int i = 0; i < 200'000; ++i) {
        text += std::to_string(i % 100) + ",";
    }
    text += ")";
    const auto selector = parse_label_selector(text);
    ASSERT_TRUE(selector.has_value()) << selector.error().message;
    EXPECT_EQ(selector->requirements().front().values.size(), 101U); // 0..99 and ""
}

TEST(LabelSelectorHostile, DeepParenthesesFailAtTheSecondOne)
{
    const auto selector = parse_label_selector("x in " + std::string(1'000'000, '('));
    ASSERT_FALSE(selector.has_value());
    EXPECT_NE(selector.error().message.find("found '(' at position 6"), std::string::npos)
        << selector.error().message;
}

TEST(LabelSelectorHostile, LongInvalidTokenIsShortenedInTheMessage)
{
    const auto selector = parse_label_selector("x=" + std::string(1'000'000, '-'));
    ASSERT_FALSE(selector.has_value());
    EXPECT_LT(selector.error().message.size(), 400U);
    const auto key = parse_label_selector(std::string(1'000'000, '\x80'));
    ASSERT_FALSE(key.has_value());
    EXPECT_LT(key.error().message.size(), 700U);
    EXPECT_TRUE(is_printable_ascii(key.error().message));
}

TEST(LabelSelectorHostile, LongRunsOfSymbolsAndWhitespace)
{
    for (const char c : std::string("!=(),<> \t")) {
        SCOPED_TRACE(static_cast<int>(c));
        const auto selector = parse_label_selector("x" + std::string(1'000'000, c));
        if (c == ' ' || c == '\t') {
            ASSERT_TRUE(selector.has_value());
            EXPECT_EQ(selector->to_string(), "x");
        } else {
            ASSERT_FALSE(selector.has_value());
            EXPECT_LT(selector.error().message.size(), 200U);
        }
    }
}

TEST(LabelSelectorHostile, RandomBytesNeverCrashAndRoundTrip)
{
    // Fixed seed: the same 30000 inputs every run. Half the inputs draw from the grammar's own
    // alphabet (so many parse), half from all 256 byte values.
    std::mt19937 random(20'260'501U);
    const std::string alphabet = "abxyz09-_./!=<>(),  \tin notin";
    std::uniform_int_distribution<int> length(0, 40);
    std::uniform_int_distribution<int> any_byte(0, 255);
    std::uniform_int_distribution<std::size_t> grammar_byte(0, alphabet.size() - 1);
    int parsed = 0;
    for (int i = 0; i < 30'000; ++i) {
        std::string text;
        const int n = length(random);
        for (int j = 0; j < n; ++j) {
            text += i % 2 == 0 ? alphabet[grammar_byte(random)]
                               : static_cast<char>(any_byte(random));
        }
        const auto selector = parse_label_selector(text);
        if (!selector) {
            ASSERT_TRUE(is_printable_ascii(selector.error().message)) << selector.error().message;
            continue;
        }
        ++parsed;
        const auto reparsed = parse_label_selector(selector->to_string());
        ASSERT_TRUE(reparsed.has_value()) << text << " -> " << selector->to_string();
        ASSERT_EQ(*reparsed, *selector) << text;
    }
    EXPECT_GT(parsed, 1'000); // the grammar half must exercise the success path too
}

} // namespace
} // namespace ihpa::apiserver
