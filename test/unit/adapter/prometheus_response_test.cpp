#include "adapter/source/prometheus/prometheus_response.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace ihpa::adapter::prometheus {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

std::string fixture(const std::string& name)
{
    std::ifstream in(std::string(IHPA_SOURCE_DIR) + "/test/fixtures/prometheus/" + name);
    EXPECT_TRUE(in) << name;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

system_clock::time_point at_ms(long long millis)
{
    return system_clock::time_point(milliseconds(millis));
}

TEST(PrometheusResponse, ParsesAnInstantVector)
{
    const auto result = parse_instant_response(fixture("query_vector.json"));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(result->samples.size(), 2U);
    const Labels emails{{"__name__", "queue_depth"}, {"namespace", "mail"}, {"queue", "emails"}};
    EXPECT_EQ(result->samples[0].labels, emails);
    EXPECT_EQ(result->samples[0].sample.time, at_ms(1795473360000));
    EXPECT_EQ(result->samples[0].sample.value, 106.0);
    EXPECT_EQ(result->samples[1].labels.at("queue"), "orders");
    EXPECT_EQ(result->samples[1].sample.value, 6.0);
    EXPECT_TRUE(result->warnings.empty());
}

TEST(PrometheusResponse, ParsesAScalarAsOneUnlabelledSample)
{
    const auto result = parse_instant_response(fixture("query_scalar.json"));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(result->samples.size(), 1U);
    EXPECT_TRUE(result->samples[0].labels.empty());
    EXPECT_EQ(result->samples[0].sample.value, 112.0);
    EXPECT_EQ(result->samples[0].sample.time, at_ms(1795473360000));
}

TEST(PrometheusResponse, ASampleTimeBeyondTheClockIsAnErrorNotAnOverflow)
{
    // 17954726481 s overflowed the nanosecond clock when converted (found by
    // fuzz/prometheus_response_fuzzer.cpp).
    const auto result = parse_instant_response(
        R"({"status":"success","data":{"resultType":"scalar","result":[17954726481,"112"]}})");
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find("out of range"), std::string::npos) << result.error();
    EXPECT_TRUE(parse_instant_response(
        R"({"status":"success","data":{"resultType":"scalar","result":[4102444800,"1"]}})"));
}

TEST(PrometheusResponse, AnEmptyVectorIsNotAnError)
{
    const auto result = parse_instant_response(fixture("query_empty.json"));
    ASSERT_TRUE(result) << result.error();
    EXPECT_TRUE(result->samples.empty());
}

TEST(PrometheusResponse, KeepsMillisecondsOfFractionalTimes)
{
    const auto result = parse_instant_response(fixture("query_fractional_time.json"));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(result->samples.size(), 1U);
    EXPECT_EQ(result->samples[0].sample.time, at_ms(1795473360250));
}

TEST(PrometheusResponse, ParsesNaNAndInfinities)
{
    const auto result = parse_instant_response(fixture("query_special_values.json"));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(result->samples.size(), 3U);
    EXPECT_TRUE(std::isnan(result->samples[0].sample.value));
    EXPECT_EQ(result->samples[1].sample.value, INFINITY);
    EXPECT_EQ(result->samples[2].sample.value, -INFINITY);
}

TEST(PrometheusResponse, AMatrixForAnInstantQueryIsAnErrorThatSaysWhy)
{
    const auto result = parse_instant_response(fixture("query_matrix.json"));
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find("range vector (matrix)"), std::string::npos) << result.error();
}

TEST(PrometheusResponse, ParsesARangeQuery)
{
    const auto result = parse_range_response(fixture("query_range_matrix.json"));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(result->ranges.size(), 2U);
    const auto& orders = result->ranges[1];
    EXPECT_EQ(orders.labels.at("queue"), "orders");
    ASSERT_EQ(orders.samples.size(), 5U);
    for (std::size_t i = 0; i < orders.samples.size(); ++i) {
        EXPECT_EQ(orders.samples[i].time, at_ms(1795473120000 + static_cast<long long>(i) * 60000));
        EXPECT_EQ(orders.samples[i].value, 2.0 + static_cast<double>(i));
    }
}

TEST(PrometheusResponse, ARangeParserRejectsAVector)
{
    const auto result = parse_range_response(fixture("query_vector.json"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), "unexpected result type \"vector\" (expected \"matrix\")");
}

TEST(PrometheusResponse, ParsesSeries)
{
    const auto result = parse_series_response(fixture("series.json"));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(result->series.size(), 2U);
    EXPECT_EQ(result->series[1],
              (Labels{{"__name__", "queue_depth"}, {"namespace", "shop"}, {"queue", "orders"}}));
}

TEST(PrometheusResponse, ErrorEnvelopesBecomeTypeAndMessage)
{
    const auto result = parse_instant_response(fixture("error_bad_data.json"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), "bad_data: invalid parameter \"query\": 1:16: parse error: "
                              "unclosed left parenthesis");
    EXPECT_EQ(error_message(fixture("hand_unavailable.json")), "unavailable: TSDB not ready");
    EXPECT_EQ(error_message(fixture("error_too_many_points.json")).value_or("").substr(0, 45),
              "bad_data: exceeded maximum resolution of 11,0");
    EXPECT_EQ(error_message(fixture("query_vector.json")), std::nullopt);
    EXPECT_EQ(error_message("<html>Bad Gateway</html>"), std::nullopt);
}

TEST(PrometheusResponse, KeepsWarnings)
{
    const auto result = parse_instant_response(fixture("hand_warnings.json"));
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->warnings, std::vector<std::string>{"partial response: store unavailable"});
    EXPECT_EQ(result->samples.at(0).sample.value, 1500.0);
}

TEST(PrometheusResponse, MalformedAnswersAreErrors)
{
    struct Case {
        const char* name;
        std::string body;
        std::string error;
    };
    const std::vector<Case> cases{
        {"not JSON", "<html>", "the answer is not a Prometheus API JSON object"},
        {"no status", R"({"data":{}})", "the answer has no \"status\""},
        {"unknown status", R"({"status":"maybe"})", "unknown status \"maybe\""},
        {"no data", R"({"status":"success"})", "the answer has no \"data\""},
        {"string result", fixture("hand_string_result.json"),
         "unexpected result type \"string\" (expected \"vector\")"},
        {"bad value", fixture("hand_bad_value.json"), "invalid sample value \"12abc\""},
        {"bad pair", R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["1","2"]}]}})",
         "a sample must be [<unix time>, \"<value>\"]"},
        {"label not a string", R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"2"]}]}})",
         "label \"a\" is not a string"},
        {"native histogram", R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1,{}]}]}})",
         "native histogram samples are not supported; query a float series (e.g. "
         "histogram_quantile or a _count/_sum series)"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const auto result = parse_instant_response(c.body);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error(), c.error);
    }
}

TEST(PrometheusResponse, SampleValues)
{
    EXPECT_EQ(parse_sample_value("1e3"), 1000.0);
    EXPECT_EQ(parse_sample_value("-0.5"), -0.5);
    EXPECT_EQ(parse_sample_value("+Inf"), INFINITY);
    EXPECT_EQ(parse_sample_value("-Inf"), -INFINITY);
    EXPECT_TRUE(std::isnan(parse_sample_value("NaN").value_or(0.0)));
    EXPECT_FALSE(parse_sample_value(""));
    EXPECT_FALSE(parse_sample_value("1 "));
}

} // namespace
} // namespace ihpa::adapter::prometheus
