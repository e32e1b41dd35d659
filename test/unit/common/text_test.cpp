#include "common/text.hpp"

#include <gtest/gtest.h>

namespace ihpa::common {
namespace {

TEST(TextTest, LowercaseTouchesAsciiLettersOnly)
{
    EXPECT_EQ(lowercase("Queue_Depth-42"), "queue_depth-42");
    EXPECT_EQ(lowercase("\xC3\x89T\xC3\xA9"), "\xC3\x89t\xC3\xA9"); // UTF-8 bytes kept as they are
    EXPECT_EQ(lowercase(""), "");
}

TEST(TextTest, TrimRemovesSurroundingWhiteSpaceOnly)
{
    EXPECT_EQ(trim("  a b\t\r\n"), "a b");
    EXPECT_EQ(trim("\f\vx\v"), "x");
    EXPECT_EQ(trim(" \t "), "");
    EXPECT_EQ(trim(""), "");
}

TEST(TextTest, CaseInsensitiveComparisons)
{
    EXPECT_TRUE(iequals("X-Remote-User", "x-remote-user"));
    EXPECT_FALSE(iequals("x-remote-user", "x-remote-users"));
    EXPECT_FALSE(iequals("a", "b"));
    EXPECT_TRUE(istarts_with("X-Remote-Extra-Scopes", "x-remote-extra-"));
    EXPECT_FALSE(istarts_with("x-remote", "x-remote-extra-"));
}

} // namespace
} // namespace ihpa::common
