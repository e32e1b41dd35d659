#include "common/url.hpp"

#include <gtest/gtest.h>

namespace ihpa::common {
namespace {

TEST(UrlTest, PercentEncodeKeepsUnreservedCharactersOnly)
{
    EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
    EXPECT_EQ(percent_encode("sum(rate(x{a=\"b c\"}[5m]))"),
              "sum%28rate%28x%7Ba%3D%22b%20c%22%7D%5B5m%5D%29%29");
    EXPECT_EQ(percent_encode("a+b&c/d"), "a%2Bb%26c%2Fd");
    EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9"); // UTF-8 bytes one by one
    EXPECT_EQ(percent_encode(""), "");
}

TEST(UrlTest, DecodeUndoesEncode)
{
    for (const char* text : {"avg:system.cpu{env:prod} by {host}", "100%", "a b+c", "\x01\xff"}) {
        EXPECT_EQ(percent_decode(percent_encode(text), false), text);
    }
    EXPECT_EQ(percent_decode("a+b", true), "a b");
    EXPECT_FALSE(percent_decode("%4", false));
    EXPECT_FALSE(percent_decode("%zz", false));
}

} // namespace
} // namespace ihpa::common
