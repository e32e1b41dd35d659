#include "adapter/source/datadog/datadog_query.hpp"
#include "adapter/source/datadog/datadog_response.hpp"
#include "datadog_fake_http_client.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

using datadog_test::fixture;

std::chrono::system_clock::time_point at_ms(long long ms)
{
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

TEST(DatadogResponse, ParsesASingleSeries)
{
    const auto answer = parse_datadog_response(fixture("single_series.json"));
    ASSERT_TRUE(answer) << answer.error();
    EXPECT_TRUE(answer->error.empty());
    ASSERT_EQ(answer->series.size(), 1U);
    const DatadogSeries& series = answer->series[0];
    EXPECT_EQ(series.query_index, 0U);
    EXPECT_TRUE(series.labels.empty()) << "scope * carries no labels";
    ASSERT_EQ(series.points.size(), 3U);
    EXPECT_EQ(series.points[0].time, at_ms(1699999800000));
    EXPECT_DOUBLE_EQ(series.points[2].value, 17.25);
}

TEST(DatadogResponse, APointTimeBeyondTheClockIsAnErrorNotAnOverflow)
{
    const auto answer = parse_datadog_response(
        R"({"status":"ok","series":[{"pointlist":[[1e300,1.0]]}]})");
    ASSERT_FALSE(answer);
    EXPECT_NE(answer.error().find("out of range"), std::string::npos) << answer.error();
}

TEST(DatadogResponse, LabelsComeFromTagSetAndScope)
{
    const auto answer = parse_datadog_response(fixture("multiple_series.json"));
    ASSERT_TRUE(answer) << answer.error();
    ASSERT_EQ(answer->series.size(), 2U);
    const Labels emails = {{"critical", ""}, {"env", "prod"}, {"queue", "emails"}};
    const Labels reports = {{"critical", ""}, {"env", "prod"}, {"queue", "reports"}};
    EXPECT_EQ(answer->series[0].labels, emails);
    EXPECT_EQ(answer->series[1].labels, reports);
}

TEST(DatadogResponse, KeepsQueryIndexAndLeavesNullPointsOut)
{
    const auto batched = parse_datadog_response(fixture("batched.json"));
    ASSERT_TRUE(batched) << batched.error();
    ASSERT_EQ(batched->series.size(), 3U);
    EXPECT_EQ(batched->series[0].query_index, 1U);
    EXPECT_EQ(batched->series[1].query_index, 0U);

    const auto nulls = parse_datadog_response(fixture("null_points.json"));
    ASSERT_TRUE(nulls) << nulls.error();
    ASSERT_EQ(nulls->series.size(), 2U);
    ASSERT_EQ(nulls->series[0].points.size(), 2U);
    EXPECT_EQ(nulls->series[0].points[1].time, at_ms(1699999860000)) << "float times";
    EXPECT_TRUE(nulls->series[1].points.empty());
    EXPECT_EQ(nulls->series[1].labels, (Labels{{"queue", "idle"}}));

    const auto empty = parse_datadog_response(fixture("empty_series.json"));
    ASSERT_TRUE(empty) << empty.error();
    EXPECT_TRUE(empty->series.empty());
}

TEST(DatadogResponse, StatusErrorCarriesDatadogsMessage)
{
    const auto answer = parse_datadog_response(fixture("error_status.json"));
    ASSERT_TRUE(answer) << answer.error();
    EXPECT_EQ(answer->error, "Error parsing query: unable to parse avg:redis.queue.depth{*: Rule "
                             "'scope_expr' didn't match");
    const auto bare = parse_datadog_response(R"({"status": "error"})");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->error, "status \"error\" without a message");
}

TEST(DatadogResponse, MalformedAnswersAreErrorsNotExceptions)
{
    struct Case {
        const char* name;
        const char* body;
        const char* error;
    };
    const std::vector<Case> cases = {
        {"not JSON", "<html>502</html>", "the answer is not a JSON object"},
        {"array", "[]", "the answer is not a JSON object"},
        {"series not a list", R"({"series": {}})", "series is not a list"},
        {"series not an object", R"({"series": [1]})", "series 0: a series is not an object"},
        {"bad point", R"({"series": [{"pointlist": [[1]]}]})",
         "series 0: pointlist entry [1] is not [milliseconds, value]"},
        {"text value", R"({"series": [{"pointlist": [[1, "2"]]}]})",
         "series 0: pointlist value \"2\" is not a number"},
        {"negative index", R"({"series": [{"query_index": -1}]})",
         "series 0: query_index -1 is not a whole number"},
        {"pointlist not a list", R"({"series": [{"pointlist": 3}]})",
         "series 0: pointlist is not a list"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const auto answer = parse_datadog_response(c.body);
        ASSERT_FALSE(answer);
        EXPECT_EQ(answer.error(), c.error);
    }
}

TEST(DatadogResponse, ErrorMessagesOfErrorBodies)
{
    EXPECT_EQ(datadog_error_message(fixture("forbidden.json")), "Forbidden");
    EXPECT_EQ(datadog_error_message(R"({"errors": ["a", "b"]})"), "a; b");
    EXPECT_EQ(datadog_error_message("upstream timed out"), "upstream timed out");
    EXPECT_EQ(datadog_error_message(std::string(300, 'x')).size(), 200U);
}

TEST(DatadogResponse, TagsBecomeLabels)
{
    const Labels labels = datadog_labels({"url:http://x:1/y", "canary", "*", "env:prod", "env:dev"});
    const Labels expected = {{"url", "http://x:1/y"}, {"canary", ""}, {"env", "prod"}};
    EXPECT_EQ(labels, expected);
}

TEST(DatadogQuery, ChecksSyntaxWithoutIo)
{
    for (const char* good : {"avg:system.cpu.user{*}",
                             "sum:redis.queue.depth{env:prod,queue:emails} by {queue}",
                             "top(avg:a{*} by {host}, 5, 'max', 'desc')",
                             "per_second(sum:http.hits{env:prod}.as_count()).rollup(sum, 60)"}) {
        EXPECT_TRUE(check_datadog_query(good)) << good;
    }
    struct Case {
        const char* query;
        const char* error;
    };
    const std::vector<Case> bad = {
        {" ", "empty query"},
        {"avg:a{*},avg:b{*}",
         "a comma outside braces at offset 8 (one query per metric; combine series in the query "
         "with functions instead)"},
        {"avg:a{*", "missing '}' at the end"},
        {"avg:a{*)}", "unexpected ')' at offset 7"},
        {"avg:a{*}\n", "control character at offset 8"},
    };
    for (const Case& c : bad) {
        SCOPED_TRACE(c.query);
        const auto checked = check_datadog_query(c.query);
        ASSERT_FALSE(checked);
        EXPECT_EQ(checked.error(), c.error);
    }
}

} // namespace
} // namespace ihpa::adapter
