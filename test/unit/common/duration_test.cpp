#include "common/duration.hpp"

#include <gtest/gtest.h>

namespace ihpa::common {
namespace {

using std::chrono::milliseconds;

TEST(CommonDuration, ParsesEveryUnitAndSums)
{
    EXPECT_EQ(parse_duration("250ms").value(), milliseconds(250));
    EXPECT_EQ(parse_duration("15s").value(), milliseconds(15000));
    EXPECT_EQ(parse_duration("5m").value(), milliseconds(300000));
    EXPECT_EQ(parse_duration("1h30m").value(), milliseconds(5400000));
    EXPECT_EQ(parse_duration("1.5h").value(), milliseconds(5400000));
    EXPECT_EQ(parse_duration("14d").value(), milliseconds(14LL * 86400000));
    EXPECT_EQ(parse_duration("1m30s500ms").value(), milliseconds(90500));
    EXPECT_EQ(parse_duration("0s").value(), milliseconds(0));
}

TEST(CommonDuration, RejectsMalformedTextSayingWhy)
{
    EXPECT_EQ(parse_duration("").error(), "empty");
    EXPECT_NE(parse_duration("5").error().find("missing unit after \"5\""), std::string::npos);
    EXPECT_NE(parse_duration("5x").error().find("unknown unit 'x'"), std::string::npos);
    EXPECT_NE(parse_duration("m").error().find("expected a number at position 1"), std::string::npos);
    EXPECT_NE(parse_duration("1..2s").error().find("malformed number"), std::string::npos);
    EXPECT_NE(parse_duration("-5s").error().find("expected a number"), std::string::npos);
    EXPECT_EQ(parse_duration("99999999999d").error(), "too large");
}

TEST(CommonDuration, NumbersBeyondADoubleAreAnErrorOrZeroNotAnException)
{
    // std::stod threw std::out_of_range on these and ended the process (found by
    // fuzz/duration_fuzzer.cpp).
    EXPECT_EQ(parse_duration(std::string(400, '9') + "s").error(), "too large");
    EXPECT_EQ(parse_duration("1" + std::string(400, '0') + ".5ms").error(), "too large");
    EXPECT_EQ(parse_duration("0." + std::string(400, '0') + "1s"), std::chrono::milliseconds(0));
    EXPECT_EQ(parse_duration("1m0." + std::string(400, '0') + "1s"), std::chrono::minutes(1));
}

TEST(CommonDuration, FormatsLikeKubernetesAndRoundTrips)
{
    EXPECT_EQ(format_duration(milliseconds(5400000)), "1h30m");
    EXPECT_EQ(format_duration(milliseconds(3661000)), "1h1m1s");
    EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
    EXPECT_EQ(format_duration(milliseconds(0)), "0s");
    EXPECT_EQ(format_duration(milliseconds(14LL * 86400000)), "336h");
    for (const char* text : {"5m", "1h30m", "15s", "2h0m1s500ms", "336h"}) {
        const auto once = parse_duration(text).value();
        EXPECT_EQ(parse_duration(format_duration(once)).value(), once) << text;
    }
}

} // namespace
} // namespace ihpa::common
