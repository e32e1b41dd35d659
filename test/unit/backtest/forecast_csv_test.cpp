#include "backtest/forecast_csv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace ihpa::backtest {
namespace {

const std::vector<Eigen::Index> kOrigins{47, 49};

/// A valid forecast file for kOrigins, with `replace` substituted for row `row` (0-based data
/// row, file line row + 2) when given, and `extra` appended.
std::string forecast_text(std::optional<std::size_t> row = std::nullopt,
                          const std::string& replace = "", const std::string& extra = "")
{
    std::string text = "origin,horizon,yhat,lower,upper\n";
    std::size_t r = 0;
    for (const auto o : kOrigins) {
        for (const auto h : kHorizons) {
            text += row == r++ ? replace
                               : std::to_string(o) + "," + std::to_string(h) + ",10.5,9,12";
            text += "\n";
        }
    }
    return text + extra;
}

TEST(ForecastCsv, RoundTripsEveryDoubleExactly)
{
    TraceForecasts forecasts{kOrigins, {}};
    forecasts.points.resize(kOrigins.size());
    const double tricky[] = {0.1, 1.0 / 3.0, 1e-300, 123456789.123456789,
                             std::numeric_limits<double>::denorm_min(), -2.5e17, 0.0, 7.0};
    std::size_t i = 0;
    for (auto& row : forecasts.points) {
        for (auto& point : row) {
            const double v = tricky[i++ % std::size(tricky)];
            point = ForecastPoint{v, std::min(v, -v), std::max(v, -v)};
        }
    }
    const auto parsed = parse_forecast_csv(format_forecast_csv(forecasts), "f.csv", kOrigins);
    ASSERT_TRUE(parsed) << parsed.error().message;
    for (std::size_t k = 0; k < kOrigins.size(); ++k) {
        for (std::size_t j = 0; j < kHorizons.size(); ++j) {
            EXPECT_EQ(parsed->points[k][j].yhat, forecasts.points[k][j].yhat);
            EXPECT_EQ(parsed->points[k][j].lower, forecasts.points[k][j].lower);
            EXPECT_EQ(parsed->points[k][j].upper, forecasts.points[k][j].upper);
        }
    }
}

TEST(ForecastCsv, AcceptsRowsInAnyOrderAndBlankLines)
{
    std::string text = "origin,horizon,yhat,lower,upper\n\n";
    for (auto o = kOrigins.rbegin(); o != kOrigins.rend(); ++o) {
        for (const auto h : {12, 6, 3, 1}) {
            text += std::to_string(*o) + "," + std::to_string(h) + "," + std::to_string(h) +
                    ".5, 1e0 ,+2E1\n";
        }
    }
    const auto parsed = parse_forecast_csv(text, "f.csv", kOrigins);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->points[1][2].yhat, 6.5);
    EXPECT_EQ(parsed->points[0][0].upper, 20.0);
}

TEST(ForecastCsv, RejectsWhatTheReferenceScorerRejects)
{
    struct Case {
        std::string name;
        std::string text;
        std::string message;
    };
    const Case cases[] = {
        {"empty", "", "f.csv: empty file"},
        {"header", "origin,h,yhat,lower,upper\n",
         "f.csv:1: header must be origin,horizon,yhat,lower,upper "
         "(got \"origin,h,yhat,lower,upper\")"},
        {"fields", forecast_text(2, "47,6,1,1"), "f.csv:4: expected 5 fields, got 4"},
        {"origin", forecast_text(0, "47.0,1,1,1,1"), "f.csv:2: origin/horizon must be integers"},
        {"number", forecast_text(5, "49,3,x,1,1"), "f.csv:7: yhat/lower/upper must be numbers"},
        {"nan", forecast_text(1, "47,3,nan,1,2"), "f.csv:3: NaN or infinite value"},
        {"inf", forecast_text(1, "47,3,1,1,inf"), "f.csv:3: NaN or infinite value"},
        {"duplicate", forecast_text(std::nullopt, "", "49,12,1,1,1\n"),
         "f.csv:10: duplicate (origin=49, horizon=12)"},
        {"unexpected origin", forecast_text(std::nullopt, "", "48,1,1,1,1\n"),
         "f.csv:10: unexpected (origin=48, horizon=1)"},
        {"unexpected horizon", forecast_text(std::nullopt, "", "47,2,1,1,1\n"),
         "f.csv:10: unexpected (origin=47, horizon=2)"},
        {"lower above upper", forecast_text(3, "47,12,5,6.25,6"),
         "f.csv:5: lower > upper (6.25 > 6)"},
        {"missing", forecast_text(6, ""),
         "f.csv: 1 missing (origin, horizon) pairs, e.g. [(49, 6)]"},
        {"all missing", "origin,horizon,yhat,lower,upper\n",
         "f.csv: 8 missing (origin, horizon) pairs, e.g. [(47, 1), (47, 3), (47, 6), (47, 12), "
         "(49, 1)]"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto parsed = parse_forecast_csv(c.text, "f.csv", kOrigins);
        ASSERT_FALSE(parsed);
        EXPECT_EQ(parsed.error().message, c.message);
    }
}

TEST(ForecastCsv, AMissingFileIsInvalid)
{
    const auto parsed = read_forecast_csv("no/such/f.csv", kOrigins);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().message, "no/such/f.csv: missing forecast file");
}

} // namespace
} // namespace ihpa::backtest
