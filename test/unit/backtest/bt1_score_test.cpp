#include "backtest/bt1_score.hpp"
#include "backtest/forecast_csv.hpp"
#include "backtest/report.hpp"
#include "backtest/timings_csv.hpp"
#include "backtest/trace_set.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace ihpa::backtest {
namespace {

const std::filesystem::path kFixtures =
    std::filesystem::path(IHPA_SOURCE_DIR) / "test/fixtures/backtest";

/// Expects `actual` to equal `expected` key by key; numbers within 1e-9.
void expect_json_near(const nlohmann::json& actual, const nlohmann::json& expected,
                      const std::string& where)
{
    SCOPED_TRACE(where);
    if (expected.is_number() && actual.is_number()) {
        EXPECT_NEAR(actual.get<double>(), expected.get<double>(), 1e-9);
    } else if (expected.is_object() && actual.is_object()) {
        EXPECT_EQ(actual.size(), expected.size());
        for (const auto& [key, value] : expected.items()) {
            ASSERT_TRUE(actual.contains(key)) << key;
            expect_json_near(actual[key], value, where + "/" + key);
        }
    } else if (expected.is_array() && actual.is_array()) {
        ASSERT_EQ(actual.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            expect_json_near(actual[i], expected[i], where + "[" + std::to_string(i) + "]");
        }
    } else {
        EXPECT_EQ(actual, expected);
    }
}

/// Scores the fixture set as `ihpa backtest --score-only` does.
SetScore score_fixtures()
{
    const auto files = list_trace_files(kFixtures / "traces");
    EXPECT_TRUE(files);
    const auto traces = read_traces(*files);
    EXPECT_TRUE(traces);
    const auto timings = read_timings_csv(kFixtures / "forecasts");
    EXPECT_TRUE(timings);
    std::vector<TraceScore> scores;
    std::map<std::string, std::string> errors;
    for (const auto& trace : *traces) {
        const auto forecasts = read_forecast_csv(kFixtures / "forecasts" / (trace.name + ".csv"),
                                                 plan_origins(trace.series.size()).origins);
        if (forecasts) {
            scores.push_back(score_trace(trace.name, trace.series.values, *forecasts));
        } else {
            errors[trace.name] = forecasts.error().message;
        }
    }
    return score_set(std::move(scores), std::move(errors), *timings);
}

TEST(ScoreSet, EqualsTheReferenceScorerOnTheFixtures)
{
    std::ifstream in(kFixtures / "expected_scores.json");
    ASSERT_TRUE(in);
    auto expected = nlohmann::json::parse(in);
    auto actual = score_json(score_fixtures());
    // The reference names the file as it was given to it (relative to the fixture folder).
    const std::string prefix = (kFixtures / "forecasts").string() + "/";
    for (auto& [name, message] : actual["errors"].items()) {
        auto text = message.get<std::string>();
        ASSERT_EQ(text.rfind(prefix, 0), 0U) << text;
        message = "forecasts/" + text.substr(prefix.size());
    }
    expect_json_near(actual, expected, "");
    EXPECT_EQ(expected["errors"].size(), 1U); // the fixture does exercise an invalid trace
}

TEST(ScoreTrace, ComputesEveryScoreOfAHandWorkedExample)
{
    // 60 points: a single origin, 47. y[47] = 10; y[48] = 12, y[50] = 9, y[53] = 10, y[59] = 0.
    Eigen::VectorXd y = Eigen::VectorXd::Constant(60, 5.0);
    y[47] = 10.0;
    y[48] = 12.0;
    y[50] = 9.0;
    y[53] = 10.0;
    y[59] = 0.0;
    TraceForecasts f{{47}, {{ForecastPoint{11.0, 10.0, 13.0}, ForecastPoint{9.0, 8.0, 8.5},
                             ForecastPoint{12.0, 11.0, 12.0}, ForecastPoint{0.0, 0.0, 0.0}}}};
    const TraceScore s = score_trace("hand", y, f);
    // h=1: y=12, |12-11| = 1 vs naive |12-10| = 2; inside [10, 13]; pinball 0.1*(13-12) = 0.1
    // vs naive 0.9*(12-10) = 1.8.
    EXPECT_DOUBLE_EQ(*s.horizons[0].relmae, 0.5);
    EXPECT_DOUBLE_EQ(s.horizons[0].smape, 200.0 / 23.0);
    EXPECT_DOUBLE_EQ(s.horizons[0].coverage, 1.0);
    EXPECT_NEAR(*s.horizons[0].relpinball90, 0.1 / 1.8, 1e-12);
    // h=3: y=9 above upper 8.5: a miss; pinball 0.9*0.5 vs naive 0.1*(10-9).
    EXPECT_DOUBLE_EQ(s.horizons[1].upper_miss, 1.0);
    EXPECT_DOUBLE_EQ(s.horizons[1].coverage, 0.0);
    EXPECT_NEAR(*s.horizons[1].relpinball90, 4.5, 1e-12);
    // h=6: y=10 = naive: the ratios are n/a (denominator 0), left out of the geometric means.
    EXPECT_FALSE(s.horizons[2].relmae);
    EXPECT_FALSE(s.horizons[2].relpinball90);
    // h=12: y=0 and yhat=0: sMAPE 0 by definition, relMAE 0.
    EXPECT_DOUBLE_EQ(s.horizons[3].smape, 0.0);
    EXPECT_DOUBLE_EQ(*s.horizons[3].relmae, 0.0);
    EXPECT_DOUBLE_EQ(*s.relmae, 0.0); // a zero among the ratios makes the geometric mean 0
    EXPECT_DOUBLE_EQ(s.coverage, 0.5);
    EXPECT_DOUBLE_EQ(s.upper_miss, 0.25);
}

TEST(GeometricMean, FollowsTheReferenceDefinition)
{
    EXPECT_FALSE(geometric_mean({}));
    EXPECT_FALSE(geometric_mean({std::nullopt}));
    EXPECT_DOUBLE_EQ(*geometric_mean({2.0, std::nullopt, 8.0}), 4.0);
    EXPECT_DOUBLE_EQ(*geometric_mean({0.0, 3.0}), 0.0);
    EXPECT_FALSE(geometric_mean({-1.0, 3.0}));
}

TEST(ScoreTable, PrintsOneRowPerTraceAndTheAggregate)
{
    const std::string table = format_score_table(score_fixtures());
    EXPECT_NE(table.find("daily_wave                         13      0.488      0.484"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("spoiled                       INVALID"), std::string::npos) << table;
    EXPECT_NE(table.find("GEOMEAN/MEAN                               0.499      0.498      0.533"
                         "      0.584    0.528    21.75    0.61    0.11    0.561       1.1"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("median seconds/trace 1.12, median seconds/origin 0.1122, total 2.2"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("1 invalid forecast file(s): spoiled"), std::string::npos) << table;
}

} // namespace
} // namespace ihpa::backtest
