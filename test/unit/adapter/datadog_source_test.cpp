#include "adapter/source/datadog/datadog_source.hpp"
#include "datadog_fake_http_client.hpp"
#include "test/fakes/fake_clock.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

using datadog_test::Exchange;
using datadog_test::FakeDatadogHttp;
using std::chrono::seconds;

constexpr long long kNow = 1'700'000'000; // 2023-11-14T22:13:20Z
const auto kNowTime = std::chrono::system_clock::time_point(seconds(kNow));
const std::string kDepth = "avg:redis.queue.depth{*}";

/// A source over a scripted fake; `fake` stays valid as long as the source.
struct Harness {
    explicit Harness(std::deque<Exchange> script)
    {
        auto client = std::make_unique<FakeDatadogHttp>(std::move(script));
        fake = client.get();
        DatadogOptions options;
        options.api_key = "api-key";
        options.app_key = "app-key";
        options.key_source = "apiKeyFile dd-api.key, appKeyEnv DD_APP_KEY";
        source = std::make_unique<DatadogSource>(std::move(options), std::move(client), clock);
    }
    ~Harness() { EXPECT_EQ(fake->pending(), 0U) << "scripted requests never sent"; }

    test::FakeClock clock{kNowTime};
    FakeDatadogHttp* fake = nullptr;
    std::unique_ptr<DatadogSource> source;
};

/// An instant-query exchange over the default 5-minute lookback ending at `now`.
Exchange instant(const std::string& query, const std::string& file, long long now = kNow)
{
    return Exchange{query, now - 300, now, 200, file, {}, {}};
}

TEST(DatadogSource, QueryTakesTheLatestPointOfEachSeries)
{
    const std::string query = "sum:redis.queue.depth{env:prod,critical} by {queue}";
    Harness h({instant(query, "multiple_series.json")});
    const auto samples = h.source->query(query, kNowTime);
    ASSERT_TRUE(samples) << samples.error();
    ASSERT_EQ(samples->size(), 2U);
    EXPECT_EQ((*samples)[0].labels.at("queue"), "emails");
    EXPECT_DOUBLE_EQ((*samples)[0].sample.value, 6.0);
    EXPECT_EQ((*samples)[1].labels.at("queue"), "reports");
    EXPECT_DOUBLE_EQ((*samples)[1].sample.value, 42.0);
    EXPECT_EQ((*samples)[1].sample.time, std::chrono::system_clock::time_point(seconds(1699999920)));
    EXPECT_TRUE(h.source->keeps_history());
}

TEST(DatadogSource, NullPointsAndEmptyAnswersAreNotValues)
{
    Harness h({instant(kDepth, "null_points.json"), instant(kDepth, "empty_series.json")});
    const auto nulls = h.source->query(kDepth, kNowTime);
    ASSERT_TRUE(nulls) << nulls.error();
    ASSERT_EQ(nulls->size(), 1U) << "a series with only nulls has no latest value";
    EXPECT_DOUBLE_EQ(nulls->front().sample.value, 9.0);
    const auto empty = h.source->query(kDepth, kNowTime);
    ASSERT_TRUE(empty) << empty.error();
    EXPECT_TRUE(empty->empty());
}

TEST(DatadogSource, BatchJoinsQueriesInOneRequestAndSplitsOnQueryIndex)
{
    const std::vector<std::string> queries = {
        kDepth, "sum:trace.http.request.hits{env:prod} by {service}", "avg:never.reported{*}"};
    Harness h({instant(queries[0] + "," + queries[1] + "," + queries[2], "batched.json")});
    const auto answers = h.source->query_batch(queries, kNowTime);
    ASSERT_EQ(answers.size(), 3U);
    ASSERT_TRUE(answers[0]) << answers[0].error();
    ASSERT_EQ(answers[0]->size(), 1U);
    EXPECT_DOUBLE_EQ(answers[0]->front().sample.value, 17.25);
    ASSERT_TRUE(answers[1]) << answers[1].error();
    ASSERT_EQ(answers[1]->size(), 2U);
    EXPECT_EQ((*answers[1])[0].labels.at("service"), "api");
    EXPECT_DOUBLE_EQ((*answers[1])[0].sample.value, 320.0);
    EXPECT_EQ((*answers[1])[1].labels.at("service"), "web");
    ASSERT_TRUE(answers[2]) << answers[2].error();
    EXPECT_TRUE(answers[2]->empty());
    EXPECT_EQ(h.fake->sent(), 1U);
}

TEST(DatadogSource, BatchesAreBoundedAndInvalidQueriesAreNotSent)
{
    std::vector<std::string> queries;
    std::string first_ten;
    for (int i = 0; i < 12; ++i) {
        queries.push_back("avg:queue" + std::to_string(i) + "{*}");
        if (i < 10) {
            first_ten += (i == 0 ? "" : ",") + queries.back();
        }
    }
    queries.insert(queries.begin() + 3, "avg:broken{*");
    Harness h({instant(first_ten, "empty_series.json"),
               instant(queries[11] + "," + queries[12], "empty_series.json")});
    const auto answers = h.source->query_batch(queries, kNowTime);
    ASSERT_EQ(answers.size(), 13U);
    ASSERT_FALSE(answers[3]);
    EXPECT_EQ(answers[3].error(),
              "datadog api.datadoghq.com: query \"avg:broken{*\": missing '}' at the end");
    for (std::size_t i = 0; i < answers.size(); ++i) {
        EXPECT_EQ(answers[i].has_value(), i != 3) << i;
    }
    EXPECT_EQ(h.fake->sent(), 2U);
}

TEST(DatadogSource, RejectedBatchIsRetriedOneQueryAtATime)
{
    // Passes the local syntax check; only Datadog can tell that it is wrong.
    const std::vector<std::string> sent = {kDepth, "sum:nope{*}.weird()"};
    Harness h({Exchange{sent[0] + "," + sent[1], kNow - 300, kNow, 400, "bad_request.json", {}, {}},
               instant(sent[0], "single_series.json"),
               Exchange{sent[1], kNow - 300, kNow, 400, "bad_request.json", {}, {}}});
    const auto answers = h.source->query_batch(sent, kNowTime);
    ASSERT_EQ(answers.size(), 2U);
    ASSERT_TRUE(answers[0]) << answers[0].error();
    EXPECT_DOUBLE_EQ(answers[0]->front().sample.value, 17.25);
    ASSERT_FALSE(answers[1]);
    EXPECT_EQ(answers[1].error(), "datadog api.datadoghq.com: HTTP 400: Error parsing query: "
                                  "unable to parse sum:nope(: Rule 'metric_query' didn't match");
}

TEST(DatadogSource, ErrorsNameTheCause)
{
    Harness h({Exchange{kDepth, kNow - 300, kNow, 200, "error_status.json", {}, {}},
               Exchange{kDepth, kNow - 300, kNow, 403, "forbidden.json", {}, {}},
               Exchange{kDepth, kNow - 300, kNow, 502, "forbidden.json", {}, {}},
               Exchange{kDepth, kNow - 300, kNow, 0, "", {}, "api.datadoghq.com:443: timed out"}});
    EXPECT_EQ(h.source->query(kDepth, kNowTime).error(),
              "datadog api.datadoghq.com: query rejected: Error parsing query: unable to parse "
              "avg:redis.queue.depth{*: Rule 'scope_expr' didn't match");
    EXPECT_EQ(h.source->query(kDepth, kNowTime).error(),
              "datadog api.datadoghq.com: HTTP 403 (Forbidden): check the keys (apiKeyFile "
              "dd-api.key, appKeyEnv DD_APP_KEY)");
    EXPECT_EQ(h.source->query(kDepth, kNowTime).error(),
              "datadog api.datadoghq.com: HTTP 502: Forbidden");
    EXPECT_EQ(h.source->query(kDepth, kNowTime).error(),
              "datadog api.datadoghq.com: api.datadoghq.com:443: timed out");
}

TEST(DatadogSource, TooManyRequestsPausesUntilTheReset)
{
    Harness h({Exchange{kDepth, kNow - 300, kNow, 429, "rate_limited.json",
                        {{"X-RateLimit-Limit", "300"}, {"X-RateLimit-Period", "3600"},
                         {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "37"}}, {}},
               instant(kDepth, "single_series.json", kNow + 37)});
    EXPECT_EQ(h.source->query(kDepth, kNowTime).error(),
              "datadog api.datadoghq.com: rate limit exhausted; requests resume at "
              "2023-11-14T22:13:57Z (in 37s)");
    h.clock.advance(seconds(10));
    EXPECT_EQ(h.source->query(kDepth, kNowTime + seconds(10)).error(),
              "datadog api.datadoghq.com: rate limit exhausted; requests resume at "
              "2023-11-14T22:13:57Z (in 27s)");
    EXPECT_EQ(h.source->query_batch(std::vector<std::string>{kDepth, kDepth}, kNowTime).size(), 2U);
    EXPECT_EQ(h.fake->sent(), 1U) << "nothing is sent while paused";
    h.clock.advance(seconds(27));
    EXPECT_TRUE(h.source->query(kDepth, kNowTime + seconds(37)));
}

TEST(DatadogSource, LastAllowedRequestIsServedThenThePauseStarts)
{
    Harness h({Exchange{kDepth, kNow - 300, kNow, 200, "single_series.json",
                        {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "5"}}, {}},
               instant(kDepth, "single_series.json", kNow + 5)});
    EXPECT_TRUE(h.source->query(kDepth, kNowTime));
    EXPECT_FALSE(h.source->query(kDepth, kNowTime));
    h.clock.advance(seconds(5));
    EXPECT_TRUE(h.source->query(kDepth, kNowTime + seconds(5)));
}

TEST(DatadogSource, PauseFallsBackToThePeriodThenToOneMinute)
{
    Harness h({Exchange{kDepth, kNow - 300, kNow, 429, "rate_limited.json",
                        {{"X-RateLimit-Period", "10"}}, {}},
               Exchange{kDepth, kNow - 290, kNow + 10, 429, "rate_limited.json", {}, {}}});
    EXPECT_NE(h.source->query(kDepth, kNowTime).error().find("(in 10s)"), std::string::npos);
    h.clock.advance(seconds(10));
    EXPECT_NE(h.source->query(kDepth, kNowTime + seconds(10)).error().find("(in 60s)"),
              std::string::npos);
}

TEST(DatadogSource, BackfillRequestsWindowsThatKeepTheStep)
{
    // 200 steps of 60 s: two windows of at most DatadogSource::kStepsPerRequest steps.
    static_assert(DatadogSource::kStepsPerRequest == 100);
    const std::string query = "sum:redis.queue.depth{*} by {queue}";
    const long long from = kNow - 6000;
    const long long to = kNow + 6000;
    Harness h({Exchange{query, from, kNow, 200, "range_part1.json", {}, {}},
               Exchange{query, kNow, to, 200, "range_part2.json", {}, {}}});
    const auto ranges = h.source->query_range(
        query, std::chrono::system_clock::time_point(seconds(from)),
        std::chrono::system_clock::time_point(seconds(to)), seconds(60));
    ASSERT_TRUE(ranges) << ranges.error();
    ASSERT_EQ(ranges->size(), 2U);
    EXPECT_EQ((*ranges)[0].labels.at("queue"), "emails");
    std::vector<double> values;
    for (const Sample& sample : (*ranges)[0].samples) {
        values.push_back(sample.value);
    }
    EXPECT_EQ(values, (std::vector<double>{1, 2, 3, 4})) << "boundary point kept once";
    EXPECT_EQ((*ranges)[1].labels.at("queue"), "reports");
    ASSERT_EQ((*ranges)[1].samples.size(), 1U);
    EXPECT_DOUBLE_EQ((*ranges)[1].samples[0].value, 7.0);
}

TEST(DatadogSource, BackfillStopsAtTheFirstFailure)
{
    const long long from = kNow - 12000;
    Harness h({Exchange{kDepth, from, from + 6000, 200, "range_part1.json", {}, {}},
               Exchange{kDepth, from + 6000, kNow, 429, "rate_limited.json",
                        {{"X-RateLimit-Reset", "30"}}, {}}});
    const auto ranges = h.source->query_range(
        kDepth, std::chrono::system_clock::time_point(seconds(from)), kNowTime, seconds(60));
    ASSERT_FALSE(ranges);
    EXPECT_NE(ranges.error().find("rate limit exhausted"), std::string::npos) << ranges.error();
    EXPECT_FALSE(h.source->query_range("avg:a{*", kNowTime, kNowTime, seconds(60)));
    EXPECT_FALSE(h.source->query_range(kDepth, kNowTime, kNowTime, seconds(0)));
}

} // namespace
} // namespace ihpa::adapter
