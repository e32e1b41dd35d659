#include "common/number_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ihpa::common {
namespace {

TEST(NumberTextTest, ShortestTextReadsBackExactly)
{
    EXPECT_EQ(shortest_text(0.1), "0.1");
    EXPECT_EQ(shortest_text(-2.5e-7), "-2.5e-07");
    EXPECT_EQ(shortest_text(1e300), "1e+300");
    EXPECT_EQ(shortest_text(std::nan("")), "nan");
    EXPECT_EQ(shortest_text(-std::nan("")), "nan");
    EXPECT_EQ(shortest_text(-std::numeric_limits<double>::infinity()), "-inf");
    for (const double value : {0.1 + 0.2, 1.0 / 3.0, 123456789.123}) {
        EXPECT_EQ(parse_number(shortest_text(value)), value);
    }
}

TEST(NumberTextTest, FixedTexts)
{
    EXPECT_EQ(shortest_fixed_text(0.0001), "0.0001");
    EXPECT_EQ(shortest_fixed_text(1e20), "100000000000000000000");
    EXPECT_EQ(shortest_fixed_text(1e300).size(), 301U); // large values fit
    EXPECT_EQ(fixed_text(2.345, 1), "2.3");
    EXPECT_EQ(fixed_text(7.0, 0), "7");
    EXPECT_EQ(fixed_text(std::nan(""), 2), "nan");
}

TEST(NumberTextTest, ParseInt64FollowsGoParseInt)
{
    EXPECT_EQ(parse_int64("42"), 42);
    EXPECT_EQ(parse_int64("+42"), 42);
    EXPECT_EQ(parse_int64("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
    for (const char* bad : {"", "+", "-", "+-1", "++1", "1.0", " 1", "1 ", "9223372036854775808", "0x10"}) {
        EXPECT_FALSE(parse_int64(bad)) << bad;
    }
}

TEST(NumberTextTest, ParseNumberFollowsPythonFloat)
{
    EXPECT_EQ(parse_number("1.5"), 1.5);
    EXPECT_EQ(parse_number("+1e3"), 1000.0);
    EXPECT_EQ(parse_number("-.5"), -0.5);
    EXPECT_EQ(parse_number("1e999"), std::numeric_limits<double>::infinity());
    EXPECT_EQ(parse_number("-1e999"), -std::numeric_limits<double>::infinity());
    EXPECT_EQ(parse_number("1e-999"), 0.0);
    EXPECT_TRUE(std::isnan(*parse_number("nan")));
    for (const char* bad : {"", "+", "+-1", "1,5", "abc", "1.5x"}) {
        EXPECT_FALSE(parse_number(bad)) << bad;
    }
}

} // namespace
} // namespace ihpa::common
