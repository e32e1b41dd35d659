#include "adapter/serving/external_rules_provider.hpp"

#include "test/fakes/fake_clock.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::system_clock;

/// Answers from maps keyed by query / series selector; records what was asked.
class FakeSeriesSource final : public SeriesSource {
public:
    std::map<std::string, std::vector<LabelledSample>> answers;
    std::map<std::string, std::vector<Labels>> series_answers;
    bool down = false;
    std::vector<std::string> queries;
    int series_calls = 0;

    std::expected<std::vector<LabelledSample>, std::string>
    query(const std::string& text, system_clock::time_point) override
    {
        queries.push_back(text);
        if (down) {
            return std::unexpected("prometheus: connection refused");
        }
        const auto found = answers.find(text);
        return found == answers.end() ? std::vector<LabelledSample>{} : found->second;
    }
    bool keeps_history() const override { return true; }
    std::expected<std::vector<LabelledRange>, std::string>
    query_range(const std::string&, system_clock::time_point, system_clock::time_point,
                seconds) override
    {
        return std::vector<LabelledRange>{};
    }
    std::expected<std::vector<Labels>, std::string>
    series(const std::string& match, system_clock::time_point, system_clock::time_point) override
    {
        ++series_calls;
        if (down) {
            return std::unexpected("prometheus: connection refused");
        }
        return series_answers[match];
    }
};

std::vector<ExternalRule> rules(const std::string& yaml)
{
    const std::string origin = "rules.yaml";
    config_parse::Problems problems(origin);
    auto parsed = parse_external_rules(YAML::Load(yaml), "externalRules", problems);
    EXPECT_TRUE(problems.empty()) << problems.take().front();
    return parsed;
}

constexpr const char* kRules = R"(
- source: prom
  seriesQuery: '{__name__=~"^queue_.*"}'
  seriesFilters: [{isNot: "_total$"}]
  name: {matches: "^queue_(.*)$", as: "queue_${1}"}
  resources: {overrides: {namespace: {resource: namespace}}}
  metricsQuery: sum(<<.Series>>{<<.LabelMatchers>>}) by (queue)
)";

constexpr const char* kOrdersQuery = R"(sum(queue_depth{queue="orders",namespace="shop"}) by (queue))";

class ExternalRulesProviderTest : public ::testing::Test {
protected:
    ExternalRulesProviderTest()
        : source_(std::make_shared<FakeSeriesSource>()), clock_(system_clock::time_point(minutes(1000))),
          registry_(store_),
          poller_(std::make_shared<Poller>("prom", source_, std::chrono::seconds(30), 1)),
          provider_(rules(kRules), {{"prom", source_}}, ExternalRulesOptions{}, registry_, clock_)
    {
        registry_.add_poller(poller_);
        source_->series_answers["{__name__=~\"^queue_.*\"}"] = {
            {{"__name__", "queue_depth"}, {"queue", "orders"}},
            {{"__name__", "queue_depth"}, {"queue", "emails"}},
            {{"__name__", "queue_messages_total"}, {"queue", "orders"}}, // filtered out
        };
        source_->answers[kOrdersQuery] = {{{{"queue", "orders"}}, {at(-30), 42.5}}};
    }

    system_clock::time_point at(int seconds_from_now) const
    {
        return clock_.now() + seconds(seconds_from_now);
    }
    /// A round of background work: discovery and expiry, then the source's poller.
    void poll()
    {
        provider_.run_once(clock_.now());
        (void)poller_->run_once(clock_.now());
    }
    auto get(const std::string& metric, std::string_view selector, std::string_view ns = "shop")
    {
        return provider_.get_external_metric(ns, *apiserver::parse_label_selector(selector),
                                             apiserver::ExternalMetricInfo{metric});
    }

    std::shared_ptr<FakeSeriesSource> source_;
    test::FakeClock clock_;
    HistoryStore store_;
    ForecastRegistry registry_;
    std::shared_ptr<Poller> poller_;
    ExternalRulesProvider provider_;
};

TEST_F(ExternalRulesProviderTest, ListsDiscoveredNamesAfterThePoll)
{
    EXPECT_TRUE(provider_.list_external_metrics().empty());
    poll();
    const auto listed = provider_.list_external_metrics();
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].metric, "queue_depth");
}

TEST_F(ExternalRulesProviderTest, UnknownMetricIs404)
{
    poll();
    const auto result = get("queue_messages_total", "");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, 404);
}

TEST_F(ExternalRulesProviderTest, FirstRequestSubscribesWith503ThenThePollServesIt)
{
    poll();
    const auto first = get("queue_depth", "queue=orders");
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, 503);
    EXPECT_EQ(first.error().message, "the metric queue_depth for namespace shop is being "
                                     "subscribed; it will be served after the next poll of its "
                                     "source");
    EXPECT_TRUE(source_->queries.empty()); // no I/O on the request path

    poll();
    EXPECT_EQ(source_->queries, std::vector<std::string>{kOrdersQuery});
    const auto served = get("queue_depth", "queue=orders");
    ASSERT_TRUE(served) << served.error().message;
    ASSERT_EQ(served->size(), 1U);
    EXPECT_EQ((*served)[0].metric_name, "queue_depth");
    EXPECT_EQ((*served)[0].metric_labels, (std::map<std::string, std::string>{{"queue", "orders"}}));
    EXPECT_EQ((*served)[0].value, 42.5);
    EXPECT_EQ((*served)[0].timestamp, at(-30)); // the sample's time
}

TEST_F(ExternalRulesProviderTest, AnEmptyResultIs404)
{
    poll();
    (void)get("queue_depth", "queue=none");
    poll();
    const auto result = get("queue_depth", "queue=none");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, 404);
}

TEST_F(ExternalRulesProviderTest, ASelectorPromqlCannotExpressIs400)
{
    poll();
    const auto result = get("queue_depth", "size>3");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, 400);
}

TEST_F(ExternalRulesProviderTest, ServesTheCacheWhileTheSourceIsDownUntilMaxStaleness)
{
    poll();
    (void)get("queue_depth", "queue=orders");
    poll();
    source_->down = true;
    clock_.advance(minutes(10));
    poll();
    EXPECT_TRUE(get("queue_depth", "queue=orders")); // 10 minutes old: still served
    clock_.advance(seconds(1));
    poll();
    const auto stale = get("queue_depth", "queue=orders");
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, 503);
    EXPECT_EQ(stale.error().message,
              "the metric queue_depth cannot be served now: the newest data is 10m1s old");
    EXPECT_EQ(provider_.list_external_metrics().size(), 1U); // failed discovery keeps the names
    EXPECT_EQ(poller_->status().consecutive_failures, 2); // the source's status shows the outage

    source_->down = false;
    poll();
    EXPECT_TRUE(get("queue_depth", "queue=orders"));
}

TEST_F(ExternalRulesProviderTest, DiscoveryRunsEveryDiscoveryInterval)
{
    poll();
    poll();
    EXPECT_EQ(source_->series_calls, 1);
    clock_.advance(minutes(10));
    source_->series_answers.clear(); // the series are gone
    poll();
    EXPECT_EQ(source_->series_calls, 2);
    EXPECT_TRUE(provider_.list_external_metrics().empty());
    EXPECT_EQ(get("queue_depth", "queue=orders").error().code, 404);
}

TEST_F(ExternalRulesProviderTest, SubscriptionsNotRequestedForTheTtlAreDropped)
{
    poll();
    (void)get("queue_depth", "queue=orders");
    poll();
    clock_.advance(minutes(59));
    poll();
    ASSERT_TRUE(get("queue_depth", "queue=orders")); // requested: the TTL starts again
    clock_.advance(minutes(60));
    source_->queries.clear();
    poll();
    EXPECT_EQ(source_->queries.size(), 1U); // still subscribed at exactly the TTL
    clock_.advance(seconds(1));
    source_->queries.clear();
    poll();
    EXPECT_TRUE(source_->queries.empty()); // dropped
    EXPECT_EQ(get("queue_depth", "queue=orders").error().code, 503); // subscribes again
}

TEST_F(ExternalRulesProviderTest, NonFiniteValuesAreLeftOut)
{
    source_->answers[kOrdersQuery].push_back({{{"queue", "x"}}, {at(0), std::nan("")}});
    poll();
    (void)get("queue_depth", "queue=orders");
    poll();
    const auto result = get("queue_depth", "queue=orders");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->size(), 1U);
}

} // namespace
} // namespace ihpa::adapter
