#include "common/seasonality.hpp"

#include <gtest/gtest.h>

namespace ihpa::common {
namespace {

using Periods = std::vector<std::int64_t>;

TEST(CommonSeasonality, ReadsTheKeywordsAndDurationLists)
{
    EXPECT_EQ(parse_seasonality("auto").value(), SeasonalPeriods{});
    EXPECT_EQ(parse_seasonality("none").value(), SeasonalPeriods{Periods{}});
    EXPECT_EQ(parse_seasonality("daily").value(), SeasonalPeriods{Periods{86400}});
    EXPECT_EQ(parse_seasonality("weekly").value(), SeasonalPeriods{Periods{604800}});
    EXPECT_EQ(parse_seasonality("7d,1d").value(), SeasonalPeriods{(Periods{604800, 86400})});
    EXPECT_EQ(parse_seasonality("1h").value(), SeasonalPeriods{Periods{3600}});
    EXPECT_EQ(parse_seasonality("90m,12h").value(), SeasonalPeriods{(Periods{5400, 43200})});
}

TEST(CommonSeasonality, RejectsOtherTextNamingTheItem)
{
    for (const char* text : {"", "Daily", "hourly", "1d,", ",1d", "1d,,7d", "1d, 7d"}) {
        const auto parsed = parse_seasonality(text);
        ASSERT_FALSE(parsed) << text;
        EXPECT_NE(parsed.error().find("expected auto, none, daily, weekly"), std::string::npos)
            << parsed.error();
    }
    EXPECT_NE(parse_seasonality("1d,hourly").error().find("\"hourly\""), std::string::npos);
    EXPECT_NE(parse_seasonality("0s").error().find("positive number of whole seconds"),
              std::string::npos);
    EXPECT_NE(parse_seasonality("1500ms").error().find("whole seconds"), std::string::npos);
}

TEST(CommonSeasonality, FormatsWhatItParses)
{
    for (const char* text : {"auto", "none", "daily", "weekly", "7d,1d", "90m"}) {
        const auto parsed = parse_seasonality(text);
        ASSERT_TRUE(parsed) << text;
        EXPECT_EQ(parse_seasonality(format_seasonality(*parsed)).value(), *parsed) << text;
    }
    EXPECT_EQ(format_seasonality(parse_seasonality("7d,1d").value()), "168h,24h");
    EXPECT_EQ(format_seasonality(SeasonalPeriods{}), "auto");
    EXPECT_EQ(format_seasonality(SeasonalPeriods{Periods{}}), "none");
}

} // namespace
} // namespace ihpa::common
