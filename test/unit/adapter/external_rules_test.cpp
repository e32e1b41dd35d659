#include "adapter/config/external_rules.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

using namespace external_rules;

apiserver::LabelSelector selector(std::string_view text)
{
    auto parsed = apiserver::parse_label_selector(text);
    EXPECT_TRUE(parsed) << parsed.error().message;
    return parsed.value_or(apiserver::LabelSelector());
}

Pattern pattern(const std::string& text)
{
    auto compiled = compile_pattern(text);
    EXPECT_TRUE(compiled) << compiled.error();
    return compiled ? *compiled : *compile_pattern(".*");
}

TEST(ExternalRulesNaming, ExpandsAsWithGoRegexpExpandRules)
{
    struct Case {
        const char* matches;
        const char* as;
        const char* series;
        std::optional<std::string> name;
    };
    const std::vector<Case> cases{
        // prometheus-adapter docs/config.md: "^container_(.*)_seconds_total$" with as "$1".
        {"^container_(.*)_seconds_total$", "$1", "container_cpu_usage_seconds_total", "cpu_usage"},
        {"^container_(.*)_seconds_total$", "${1}", "container_cpu_usage_seconds_total", "cpu_usage"},
        {"^(.*)_total$", "${1}_per_second", "http_requests_total", "http_requests_per_second"},
        // Go reads "$1_per_second" as the unknown group "1_per_second": nothing. ECMAScript's
        // format would give "http_requests_per_second"; we follow Go.
        {"^(.*)_total$", "$1_per_second", "http_requests_total", ""},
        {"^(.*)_total$", "$1x", "http_requests_total", ""},
        {"queue", "$0", "my_queue_depth", "queue"},         // unanchored: the match alone
        {"^(a)(b)?$", "[$2]", "a", "[]"},                   // unmatched group: empty
        {"^(a)$", "$9", "a", ""},                           // out of range: empty
        {"^(a)$", "$$1 costs $", "a", "$1 costs $"},        // $$ and a trailing $
        {"^(a)$", "${} ${1", "a", "${} ${1"},                  // malformed: '$' kept as text
        {"(?i)^QUEUE_(.*)$", "$1", "queue_depth", "depth"}, // RE2's leading (?i)
        {"^queue_(.*)$", "$1", "jobs_total", std::nullopt}, // no match: not this rule's metric
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.matches) + " as " + c.as + " on " + c.series);
        EXPECT_EQ(map_name(pattern(c.matches), c.as, c.series), c.name);
    }
}

TEST(ExternalRulesNaming, DefaultAsIsTheWholeMatchOrTheOnlyGroup)
{
    EXPECT_EQ(default_as(pattern("^queue_depth$")), "$0");
    EXPECT_EQ(default_as(pattern("^queue_(.*)$")), "$1");
    EXPECT_EQ(default_as(pattern("^(?:queue)_(.*)$")), "$1"); // non-capturing groups don't count
    EXPECT_EQ(default_as(pattern("^(a)_(b)$")), std::nullopt);
}

TEST(ExternalRulesNaming, AcceptsGoRegexpSyntax)
{
    // Named groups, as Go's Regexp.Expand reads them: $name and ${name}; a leading zero is a name.
    EXPECT_EQ(map_name(pattern("^(?P<kind>[a-z]+)_(?P<what>.*)_total$"), "${what}_of_$kind",
                       "http_requests_total"),
              "requests_of_http");
    EXPECT_EQ(map_name(pattern("^(?P<kind>[a-z]+)_(.*)$"), "$2/$kind/$missing/$01", "a_b"),
              "b/a//");
    EXPECT_EQ(capture_groups(pattern("^(?P<kind>[a-z]+)_(.*)$")), 2u);
    // Flags anywhere: (?s) lets '.' match a newline, which it does not by default.
    EXPECT_TRUE(matches(pattern("^(?s)a.b$"), "a\nb"));
    EXPECT_FALSE(matches(pattern("^a.b$"), "a\nb"));
    EXPECT_TRUE(matches(pattern("x(?i:Y)z"), "xyz"));
    EXPECT_FALSE(matches(pattern("x(?i:Y)Z"), "xyz"));
    // Unanchored, leftmost-first, as Go's MatchString.
    EXPECT_TRUE(matches(pattern("queue"), "my_queue_depth"));
    EXPECT_EQ(map_name(pattern("a|ab"), "$0", "ab"), "a");
}

TEST(ExternalRulesNaming, RejectsWhatGoRegexpRejectsNamingThePattern)
{
    EXPECT_EQ(compile_pattern("(.**{2,3}?*?=.**{2,3}?*?=>.=)").error(),
              "invalid regular expression \"(.**{2,3}?*?=.**{2,3}?*?=>.=)\": bad repetition "
              "operator: **");
    EXPECT_EQ(compile_pattern("a+{2}").error(),
              "invalid regular expression \"a+{2}\": bad repetition operator: +{2}");
    EXPECT_EQ(compile_pattern("a{1001}").error(),
              "invalid regular expression \"a{1001}\": invalid repetition size: {1001}");
    EXPECT_EQ(compile_pattern("^(unclosed$").error(),
              "invalid regular expression \"^(unclosed$\": missing ): ^(unclosed$");
    EXPECT_EQ(compile_pattern("\xff").error(), "invalid regular expression \"\xff\": invalid UTF-8");
    for (const char* fine : {"a*?b+?c??", "a{2,5}?", "x{1000}", "[*+]+", "\\**", R"(^a\(?s\)$)"}) {
        EXPECT_TRUE(compile_pattern(fine)) << fine;
    }
}

TEST(ExternalRulesNaming, MatchesInLinearTimeWhereBacktrackingWouldNot)
{
    // (a*)*b against a run of a's takes exponential time in a backtracking engine; RE2 answers
    // at once. A hang here fails the test through CTest's timeout.
    const std::string run(5000, 'a');
    EXPECT_FALSE(matches(pattern("^(a|aa)*b$"), run));
    EXPECT_FALSE(matches(pattern("(x+x+)+y"), std::string(5000, 'x')));
}

TEST(ExternalRulesQuery, SelectorsBecomePromqlMatchers)
{
    struct Case {
        const char* selector;
        const char* matchers;
    };
    const std::vector<Case> cases{
        {"", R"(namespace="default")"},
        {"queue=orders", R"(queue="orders",namespace="default")"},
        {"queue==orders", R"(queue="orders",namespace="default")"},
        {"queue!=orders", R"(queue!="orders",namespace="default")"},
        {"queue in (orders,emails)", R"(queue=~"emails|orders",namespace="default")"},
        {"queue in (a.b)", R"(queue=~"a\\.b",namespace="default")"}, // regex-escaped
        {"queue notin (a,b)", R"(queue!~"a|b",namespace="default")"},
        {"queue", R"(queue!="",namespace="default")"},
        {"!queue", R"(queue="",namespace="default")"},
        {"b=2,a=1", R"(a="1",b="2",namespace="default")"}, // sorted by key, as upstream
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.selector);
        const auto args = query_args("queue_depth", selector(c.selector), "namespace", "default");
        ASSERT_TRUE(args) << args.error();
        EXPECT_EQ(args->label_matchers, c.matchers);
        EXPECT_EQ(args->series, "queue_depth");
    }
}

TEST(ExternalRulesQuery, NonNamespacedRulesIgnoreTheNamespace)
{
    const auto args = query_args("queue_depth", selector("namespace=queue,name=my-sample-queue"),
                                 "", "default");
    ASSERT_TRUE(args) << args.error();
    EXPECT_EQ(args->label_matchers, R"(name="my-sample-queue",namespace="queue")");
}

TEST(ExternalRulesQuery, WhatPromqlCannotExpressIsAnError)
{
    EXPECT_EQ(query_args("x", selector("size>3"), "namespace", "ns").error(),
              "label selector \"size>3\": the operators > and < have no Prometheus matcher");
    EXPECT_EQ(query_args("x", selector("app.kubernetes.io/name=web"), "namespace", "ns").error(),
              "label selector key \"app.kubernetes.io/name\" is not a Prometheus label name");
}

TEST(ExternalRulesQuery, EscapesPromqlStrings)
{
    EXPECT_EQ(promql_string("a\"b\\c\nd\x01"), R"("a\"b\\c\nd\x01")");
    EXPECT_EQ(regex_escape("a.b*c(d)|e"), R"(a\.b\*c\(d\)\|e)");
}

TEST(ExternalRulesQuery, ExpandsTheDocumentationExampleAsPrometheusAdapterDoes)
{
    // prometheus-adapter docs/externalmetrics.md: metricsQuery
    // `sum(<<.Series>>{<<.LabelMatchers>>}) by (name)` with the namespace override. For
    // /namespaces/default/queue_consumer_lag?labelSelector=name=my-queue prometheus-adapter
    // builds the same query (pkg/naming/metrics_query.go: selector matchers, then namespace).
    const auto query = QueryTemplate::parse("sum(<<.Series>>{<<.LabelMatchers>>}) by (name)");
    ASSERT_TRUE(query) << query.error();
    const auto args = query_args("queue_consumer_lag", selector("name=my-queue"), "namespace", "default");
    ASSERT_TRUE(args);
    EXPECT_EQ(query->expand(*args),
              R"(sum(queue_consumer_lag{name="my-queue",namespace="default"}) by (name))");
}

TEST(ExternalRulesQuery, TemplatesSupportEveryExternalField)
{
    const auto query = QueryTemplate::parse(
        "x{<<.LabelMatchers>>} by (<<.GroupBy>>) <<.GroupBySlice>> "
        "<<index .LabelValuesByName \"queue\">>/<<index .LabelValuesByName \"none\">> a <<- .Series ->>  b");
    ASSERT_TRUE(query) << query.error();
    const auto args = query_args("s", selector("queue in (a,b)"), "namespace", "ns");
    ASSERT_TRUE(args);
    EXPECT_EQ(query->expand(*args), R"(x{queue=~"a|b",namespace="ns"} by () [] a|b/ asb)");
}

TEST(ExternalRulesQuery, RejectsUnsupportedTemplates)
{
    EXPECT_EQ(QueryTemplate::parse("sum(<<.Series>>").value().text(), "sum(<<.Series>>");
    EXPECT_EQ(QueryTemplate::parse("sum(<<.Series").error(),
              "unterminated action \"<<\" at offset 4 of the metricsQuery template");
    EXPECT_NE(QueryTemplate::parse("<<.Namespace>>").error().find(
                  "unsupported action \"<<.Namespace>>\""),
              std::string::npos);
}

/// Parses `yaml` as an externalRules list; the rules and the problems.
std::pair<std::vector<ExternalRule>, std::vector<std::string>> parse(const std::string& yaml)
{
    const std::string origin = "rules.yaml";
    config_parse::Problems problems(origin);
    auto rules = parse_external_rules(YAML::Load(yaml), "externalRules", problems);
    return {std::move(rules), problems.take()};
}

TEST(ExternalRulesConfig, ParsesAPrometheusAdapterRule)
{
    const auto [rules, problems] = parse(R"(
- source: prom
  seriesQuery: '{__name__=~"^queue_.*",queue!=""}'
  seriesFilters:
  - isNot: "_total$"
  name: {matches: "^queue_(.*)$", as: "${1}_messages"}
  resources:
    overrides:
      kubernetes_namespace: {resource: "namespace"}
      pod: {resource: "pod"}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)
- source: prom
  seriesQuery: '{__name__="queue_depth"}'
  resources: {namespaced: false}
  metricsQuery: <<.Series>>{<<.LabelMatchers>>}
- source: prom
  seriesQuery: 'queue_depth'
  resources: {template: "kube_<<.Group>>_<<.Resource>>"}
  metricsQuery: <<.Series>>
)");
    ASSERT_TRUE(problems.empty()) << problems.front();
    ASSERT_EQ(rules.size(), 3U);
    EXPECT_EQ(rules[0].source, "prom");
    EXPECT_EQ(rules[0].line, 2);
    EXPECT_EQ(rules[0].namespace_label, "kubernetes_namespace");
    EXPECT_EQ(rules[0].name_as, "${1}_messages");
    ASSERT_EQ(rules[0].series_filters.size(), 2U); // isNot, then the name pattern
    EXPECT_FALSE(rules[0].series_filters[0].must_match);
    EXPECT_EQ(rules[0].series_filters[1].pattern.text, "^queue_(.*)$");
    EXPECT_EQ(rules[1].namespace_label, "");
    EXPECT_EQ(rules[1].name_as, "$0");
    EXPECT_EQ(rules[2].namespace_label, "kube__namespace");
}

TEST(ExternalRulesConfig, ReportsEveryProblemWithItsLine)
{
    const auto problems = parse(R"(- seriesQuery: 'sum(x'
  seriesFilters: [{is: a, isNot: b}, {matches: x}]
  name: {matches: "^(a)_(b)$"}
  metricsQuery: <<.Namespace>>
  extra: 1
- source: prom
  seriesQuery: x
  metricsQuery: x
- source: prom
  seriesQuery: x
  metricsQuery: x
  resources: {overrides: {ns: {resource: namespace, kind: x}}, template: "<<.Kind>>"}
)").second;
    const std::vector<std::string> expected{
        "rules.yaml:5: unknown key \"extra\" in externalRules[0] (known: source, seriesQuery, "
        "seriesFilters, name, resources, metricsQuery)",
        "rules.yaml:1: externalRules[0] needs \"source\"",
        "rules.yaml:1: externalRules[0].seriesQuery: unclosed '(' at offset 3",
        "rules.yaml:4: externalRules[0].metricsQuery: unsupported action \"<<.Namespace>>\" in "
        "the metricsQuery template (supported: <<.Series>>, <<.LabelMatchers>>, <<.GroupBy>>, "
        "<<.GroupBySlice>>, <<index .LabelValuesByName \"label\">>)",
        "rules.yaml:2: externalRules[0].seriesFilters[0] needs exactly one of \"is\" and "
        "\"isNot\"",
        "rules.yaml:2: unknown key \"matches\" in externalRules[0].seriesFilters[1] (known: is, "
        "isNot)",
        "rules.yaml:2: externalRules[0].seriesFilters[1] needs exactly one of \"is\" and "
        "\"isNot\"",
        "rules.yaml:3: externalRules[0].name.as is needed: name.matches has 2 capture groups",
        "rules.yaml:1: externalRules[0].resources: a namespaced rule needs an override mapping a "
        "label to {resource: namespace}, or a template (or namespaced: false)",
        "rules.yaml:6: externalRules[1].resources: a namespaced rule needs an override mapping a "
        "label to {resource: namespace}, or a template (or namespaced: false)",
        "rules.yaml:12: unknown key \"kind\" in externalRules[2].resources.overrides.ns (known: "
        "group, resource)",
        "rules.yaml:12: externalRules[2].resources.template may only use <<.Group>> and "
        "<<.Resource>>",
    };
    EXPECT_EQ(problems, expected);
    EXPECT_EQ(parse("{}").second,
              std::vector<std::string>{"rules.yaml:1: externalRules must be a list of rules"});
}

TEST(ExternalRulesConfig, ReadsTimingOptions)
{
    const std::string origin = "rules.yaml";
    config_parse::Problems problems(origin);
    const auto defaults = parse_external_rules_options(YAML::Load("{}"), "externalRulesOptions", problems);
    EXPECT_EQ(defaults.discovery_interval, std::chrono::minutes(10));
    EXPECT_EQ(defaults.max_staleness, std::chrono::minutes(10));
    EXPECT_EQ(defaults.subscription_ttl, std::chrono::hours(1));
    const auto set = parse_external_rules_options(
        YAML::Load("{discoveryInterval: 1m, maxStaleness: 2m, subscriptionTTL: 1s}"),
        "externalRulesOptions", problems);
    EXPECT_EQ(set.discovery_interval, std::chrono::minutes(1));
    EXPECT_EQ(set.max_staleness, std::chrono::minutes(2));
    EXPECT_EQ(set.subscription_ttl, std::chrono::hours(1));
    EXPECT_EQ(problems.take(),
              std::vector<std::string>{"rules.yaml:1: externalRulesOptions.subscriptionTTL must "
                                       "be between 1m and 168h, got \"1s\""});
}

} // namespace
} // namespace ihpa::adapter
