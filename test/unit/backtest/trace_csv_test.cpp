#include "backtest/bt1_protocol.hpp"
#include "backtest/trace_csv.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ihpa::backtest {
namespace {

/// `n` points from `start`, `step` seconds apart, values 1.5, 2.5, …
std::string trace_text(int n, long start = 1000, long step = 300)
{
    std::string text = "timestamp,value\n";
    for (int i = 0; i < n; ++i) {
        text += std::to_string(start + i * step) + "," + std::to_string(i) + ".5\n";
    }
    return text;
}

/// `trace_text(n)` with its line `line` (1-based; line 1 is the header) replaced.
std::string with_line(int n, std::size_t line, const std::string& replacement)
{
    std::string text = trace_text(n);
    std::size_t begin = 0;
    for (std::size_t l = 1; l < line; ++l) {
        begin = text.find('\n', begin) + 1;
    }
    const std::size_t end = text.find('\n', begin);
    return text.replace(begin, end - begin, replacement);
}

TEST(ParseTraceCsv, ReadsAValidTrace)
{
    const auto trace = parse_trace_csv(trace_text(60), "dir/web_rps.csv");
    ASSERT_TRUE(trace) << trace.error().message;
    EXPECT_EQ(trace->name, "web_rps");
    EXPECT_EQ(trace->series.start, 1000);
    EXPECT_EQ(trace->series.step_seconds, 300);
    ASSERT_EQ(trace->series.size(), 60);
    EXPECT_DOUBLE_EQ(trace->series.values[59], 59.5);
}

TEST(ParseTraceCsv, AcceptsCrlfBlankLinesSpacesAndWholeFloatTimestamps)
{
    std::string text = "timestamp , value\r\n";
    for (int i = 0; i < 60; ++i) {
        text += std::to_string(1000 + 60 * i) + ".0, " + std::to_string(i) + "e-1\r\n";
        text += i == 30 ? "\r\n" : "";
    }
    const auto trace = parse_trace_csv(text, "export.csv");
    ASSERT_TRUE(trace) << trace.error().message;
    EXPECT_EQ(trace->series.size(), 60);
    EXPECT_EQ(trace->series.step_seconds, 60);
    EXPECT_DOUBLE_EQ(trace->series.values[31], 3.1);
}

TEST(ParseTraceCsv, RejectsBadInputNamingFileAndLine)
{
    struct Case {
        std::string name;
        std::string text;
        std::string message;
    };
    const Case cases[] = {
        {"empty file", "", "t.csv:1: empty file, expected the header timestamp,value"},
        {"bad header", "time,value\n1,2\n",
         "t.csv:1: header must be timestamp,value (got \"time,value\")"},
        {"three fields", with_line(60, 5, "2200,1,2"),
         "t.csv:5: expected 2 fields (timestamp,value), got 3"},
        {"text timestamp", with_line(60, 3, "noon,1"),
         "t.csv:3: timestamp \"noon\" is not a whole number of unix seconds"},
        {"fractional timestamp", with_line(60, 3, "1300.5,1"),
         "t.csv:3: timestamp \"1300.5\" is not a whole number of unix seconds"},
        {"text value", with_line(60, 4, "1900,high"), "t.csv:4: value \"high\" is not a number"},
        {"empty value", with_line(60, 4, "1900,"), "t.csv:4: value \"\" is not a number"},
        {"nan", with_line(60, 7, "2800,nan"), "t.csv:7: value \"nan\" is not finite"},
        {"inf", with_line(60, 7, "2800,-inf"), "t.csv:7: value \"-inf\" is not finite"},
        {"overflow", with_line(60, 7, "2800,1e999"), "t.csv:7: value \"1e999\" is not finite"},
        {"repeated timestamp", with_line(60, 4, "1300,1"),
         "t.csv:4: timestamp 1300 is not after the previous one (1300, line 3)"},
        {"decreasing timestamp", with_line(60, 10, "100,1"),
         "t.csv:10: timestamp 100 is not after the previous one (3100, line 9)"},
        {"gap", with_line(60, 20, "6700,1"),
         "t.csv:20: step of 600 s after line 19 differs from the trace's step of 300 s "
         "(lines 2-3); a trace has one point per step, no gaps"},
        {"too few points", trace_text(55),
         "t.csv: too few points (55); BT1 needs at least 56 for one forecast origin"},
        {"header only", "timestamp,value\n",
         "t.csv: too few points (0); BT1 needs at least 56 for one forecast origin"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto trace = parse_trace_csv(c.text, "t.csv");
        ASSERT_FALSE(trace);
        EXPECT_EQ(trace.error().message, c.message);
    }
}

TEST(ReadTraceCsv, NamesAMissingFile)
{
    const auto trace = read_trace_csv("no/such/trace.csv");
    ASSERT_FALSE(trace);
    EXPECT_EQ(trace.error().message,
              "no/such/trace.csv: cannot open file (No such file or directory)");
}

TEST(ReadTraceCsv, ReadsTheFixtureTraces)
{
    const auto trace = read_trace_csv(std::string(IHPA_SOURCE_DIR) +
                                      "/test/fixtures/backtest/traces/daily_wave.csv");
    ASSERT_TRUE(trace) << trace.error().message;
    EXPECT_EQ(trace->series.size(), 120);
    EXPECT_EQ(trace->series.step_seconds, 3600);
}

} // namespace
} // namespace ihpa::backtest
