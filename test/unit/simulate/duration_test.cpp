#include "simulate/duration.hpp"

#include <gtest/gtest.h>

namespace ihpa::simulate {
namespace {

TEST(ParseDuration, AcceptsKubernetesStyleDurations)
{
    EXPECT_EQ(parse_duration("15s").value(), 15);
    EXPECT_EQ(parse_duration("5m").value(), 300);
    EXPECT_EQ(parse_duration("1h30m").value(), 5400);
    EXPECT_EQ(parse_duration("1.5h").value(), 5400);
    EXPECT_EQ(parse_duration("2m30s").value(), 150);
}

TEST(ParseDuration, RejectsWithTheReason)
{
    EXPECT_NE(parse_duration("").error().message.find("empty"), std::string::npos);
    EXPECT_NE(parse_duration("5").error().message.find("missing unit"), std::string::npos);
    EXPECT_NE(parse_duration("5x").error().message.find("unknown unit 'x'"), std::string::npos);
    EXPECT_NE(parse_duration("0s").error().message.find("positive"), std::string::npos);
    EXPECT_NE(parse_duration("1.5s").error().message.find("whole number"), std::string::npos);
    EXPECT_NE(parse_duration("m").error().message.find("expected a number"), std::string::npos);
    EXPECT_NE(parse_duration("1..2s").error().message.find("malformed"), std::string::npos);
}

TEST(FormatDuration, PrintsLikeKubernetes)
{
    EXPECT_EQ(format_duration(5400), "1h30m");
    EXPECT_EQ(format_duration(15), "15s");
    EXPECT_EQ(format_duration(300), "5m");
    EXPECT_EQ(format_duration(3661), "1h1m1s");
}

} // namespace
} // namespace ihpa::simulate
