#include "common/csv.hpp"
#include "common/file.hpp"
#include "common/time_series_csv.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace ihpa::common {
namespace {

namespace fs = std::filesystem;

class FileTest : public testing::Test {
protected:
    void SetUp() override
    {
        dir_ = fs::temp_directory_path() / ("ihpa-file-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(FileTest, WriteThenReadGivesTheBytesBack)
{
    const std::string bytes = std::string("a\0b\r\n", 5) + "\xff";
    ASSERT_TRUE(write_file(dir_ / "f", bytes));
    EXPECT_EQ(read_file(dir_ / "f"), bytes);
    ASSERT_TRUE(write_file(dir_ / "f", "shorter"));
    EXPECT_EQ(read_file(dir_ / "f"), "shorter");
}

TEST_F(FileTest, ErrorsNameTheFileAndTheReason)
{
    EXPECT_EQ(read_file(dir_ / "missing").error(),
              (dir_ / "missing").string() + ": cannot open file (No such file or directory)");
    EXPECT_EQ(read_file(dir_).error(), dir_.string() + ": is a directory, expected a file");
    EXPECT_EQ(write_file(dir_ / "no" / "f", "x").error(),
              (dir_ / "no" / "f").string() + ": cannot create file (No such file or directory)");
}

TEST(CsvTest, SplitsLinesAndTrimsFields)
{
    const auto rows = split_csv("a, b ,c\r\n\n , \nlast");
    ASSERT_EQ(rows.size(), 4U);
    EXPECT_EQ(rows[0].line, 1U);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string_view>{"a", "b", "c"}));
    EXPECT_TRUE(rows[1].blank());
    EXPECT_TRUE(rows[2].blank());
    EXPECT_EQ(rows[2].joined(), ",");
    EXPECT_EQ(rows[3].line, 4U);
    EXPECT_FALSE(rows[3].blank());
    EXPECT_EQ(file_location("t.csv", 3), "t.csv:3");
    EXPECT_EQ(file_location("t.csv", 0), "t.csv");
}

TEST(TimeSeriesCsvTest, ReadsEvenlySpacedPoints)
{
    const auto points = parse_time_series_csv("timestamp,value\n60,1\n\n120.0,+2.5\n180,3e0\n", "t.csv");
    ASSERT_TRUE(points) << points.error();
    EXPECT_EQ(points->times, (std::vector<std::int64_t>{60, 120, 180}));
    EXPECT_EQ(points->values, (std::vector<double>{1.0, 2.5, 3.0}));
    EXPECT_EQ(points->step_seconds(), 60);
    const auto header_only = parse_time_series_csv("timestamp,value\n", "t.csv");
    ASSERT_TRUE(header_only);
    EXPECT_EQ(header_only->step_seconds(), 0);
}

TEST(TimeSeriesCsvTest, ErrorsNameFileAndLine)
{
    const auto error = [](const std::string& text) {
        return parse_time_series_csv(text, "t.csv").error();
    };
    EXPECT_EQ(error(""), "t.csv:1: empty file, expected the header timestamp,value");
    EXPECT_EQ(error("timestamp,value\n1,2,3\n"), "t.csv:2: expected 2 fields (timestamp,value), got 3");
    EXPECT_EQ(error("timestamp,value\n1.5,2\n"),
              "t.csv:2: timestamp \"1.5\" is not a whole number of unix seconds");
    EXPECT_EQ(error("timestamp,value\n1,inf\n"), "t.csv:2: value \"inf\" is not finite");
    EXPECT_EQ(error("timestamp,value\n60,1\n60,2\n"),
              "t.csv:3: timestamp 60 is not after the previous one (60, line 2)");
    EXPECT_EQ(error("timestamp,value\n60,1\n120,2\n240,3\n"),
              "t.csv:4: step of 120 s after line 3 differs from the trace's step of 60 s (lines "
              "2-3); a trace has one point per step, no gaps");
}

} // namespace
} // namespace ihpa::common
