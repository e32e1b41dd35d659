// Tables marked "upstream" are ported from kubernetes/apimachinery
// pkg/api/resource/quantity_test.go (TestQuantityParse, TestParseQuantityString,
// TestParseQuantity, TestQuantityString, TestQuantityParseEmit, TestMilliNewSet,
// TestQuantityRoundUp); "contracts" rows are the serialisation table of our Kubernetes contracts
// document (section 2.8), whose CA-IHPA values are also listed there.
#include "common/quantity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace ihpa::common {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct FormatCase {
    std::string name;
    double value;
    std::string expected;
};

void expect_formats(const std::vector<FormatCase>& cases)
{
    for (const FormatCase& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(format_quantity(c.value), c.expected);
    }
}

TEST(FormatQuantity, ContractsTable)
{
    expect_formats({
        {"contracts NewMilliQuantity(300)", 0.3, "300m"},
        {"contracts NewMilliQuantity(1500)", 1.5, "1500m"},
        {"contracts NewMilliQuantity(2000)", 2.0, "2"},
        {"contracts NewMilliQuantity(100000)", 100.0, "100"},
        {"contracts NewMilliQuantity(12500)", 12.5, "12500m"},
        {"contracts NewMilliQuantity(-250)", -0.25, "-250m"},
        {"contracts NewQuantity(1500)", 1500.0, "1500"},
        {"contracts NewQuantity(1000)", 1000.0, "1k"},
        {"contracts NewQuantity(12000)", 12000.0, "12k"},
        {"contracts NewQuantity(1234000)", 1234000.0, "1234k"},
        {"contracts NewQuantity(50000000)", 50000000.0, "50M"},
        {"contracts CA-IHPA 26657m", 26.657, "26657m"},
        {"contracts CA-IHPA 2936862750m", 2936862.75, "2936862750m"},
    });
}

TEST(FormatQuantity, UpstreamDecimalSiStrings)
{
    expect_formats({
        // TestMilliNewSet, DecimalSI rows
        {"upstream NewMilliQuantity(1)", 0.001, "1m"},
        {"upstream NewMilliQuantity(1000)", 1.0, "1"},
        {"upstream NewMilliQuantity(1234000)", 1234.0, "1234"},
        // TestQuantityString rows at milli precision or coarser, and their negations
        {"upstream 1e9", 1e9, "1G"},
        {"upstream 1000e6", 1000e6, "1G"},
        {"upstream 1000000e3", 1000000e3, "1G"},
        {"upstream 1e-3", 1e-3, "1m"},
        {"upstream 80e-3", 80e-3, "80m"},
        {"upstream 1080e-3", 1080e-3, "1080m"},
        {"upstream 108e-2", 108e-2, "1080m"},
        {"upstream 10800e-4", 10800e-4, "1080m"},
        {"upstream 300e6", 300e6, "300M"},
        {"upstream 1e12", 1e12, "1T"},
        {"upstream 1234567e6", 1234567e6, "1234567M"},
        {"upstream 1234567e-3", 1234567e-3, "1234567m"},
        {"upstream 3e3", 3e3, "3k"},
        {"upstream 1025", 1025.0, "1025"},
        {"upstream 5", 5.0, "5"},
        {"upstream 500e-3", 500e-3, "500m"},
        {"upstream 0", 0.0, "0"},
        {"upstream -1e9", -1e9, "-1G"},
        {"upstream -1e-3", -1e-3, "-1m"},
        {"upstream -1080e-3", -1080e-3, "-1080m"},
        {"upstream -300e6", -300e6, "-300M"},
        {"upstream -1234567e-3", -1234567e-3, "-1234567m"},
        {"upstream -3e3", -3e3, "-3k"},
        // a Quantity never prints "-0"
        {"negative zero", -0.0, "0"},
        {"peta", 2.5e15, "2500T"},
        {"peta exact", 9e15, "9P"},
        {"exponent 1 folds to milli", 0.01, "10m"},
        {"exponent 2 folds to units", 200.0, "200"},
        {"exponent 4 folds to kilo", 10000.0, "10k"},
    });
}

TEST(FormatQuantity, RoundsUpInMagnitudeToWholeMilliUnits)
{
    expect_formats({
        // upstream TestQuantityRoundUp, at scale -3 where a fraction remains
        {"upstream 9.01 exact", 9.01, "9010m"},
        {"upstream -9.01 exact", -9.01, "-9010m"},
        {"finer than 1m", 9.0101, "9011m"},
        {"finer than 1m negative", -9.0101, "-9011m"},
        // "0.1m will be rounded up to 1m" (quantity.go)
        {"tenth of a milli", 0.0001, "1m"},
        {"tenth of a milli negative", -0.0001, "-1m"},
        {"tiny", 1e-300, "1m"},
        {"smallest subnormal", 5e-324, "1m"},
        {"just over one", 1.0001, "1001m"},
        {"just over two", 2.0000001, "2001m"},
        // the shortest decimal of the double is what counts
        {"1.1 is 1100m, not 1101m", 1.1, "1100m"},
        {"0.3 is 300m", 0.3, "300m"},
        {"0.1+0.2 is really above 0.3", 0.1 + 0.2, "301m"},
        {"2.675", 2.675, "2675m"},
        {"upstream 1n becomes 1m", 1e-9, "1m"},
        {"a millionth over 1.08", 1.080001, "1081m"},
        {"large with fraction", 123456789.0125, "123456789013m"},
        {"beyond 2^53", 9007199254740993.0, "9007199254740992"},
    });
}

TEST(FormatQuantity, ClampsToInt64MilliUnitsAndMapsNaNToZero)
{
    const std::string max = "9223372036854775807m";
    expect_formats({
        {"NaN", kNaN, "0"},
        {"negative NaN", -kNaN, "0"},
        {"infinity", kInf, max},
        {"negative infinity", -kInf, "-" + max},
        {"huge", 1e300, max},
        {"just past the limit", 9223372036854775.807, max},
        {"double max", std::numeric_limits<double>::max(), max},
        {"below the limit", 9.2e15, "9200T"},
        {"below the limit negative", -9.2e15, "-9200T"},
        {"exact half above 2^51", 2251799813685248.5, "2251799813685248500m"},
        {"KEDA overflow threshold", 9.3e15, max},
    });
}

struct ParseCase {
    std::string input;
    double expected;
};

void expect_parses(const std::vector<ParseCase>& cases, bool signed_variants)
{
    for (const ParseCase& c : cases) {
        SCOPED_TRACE(c.input);
        const auto parsed = parse_quantity(c.input);
        ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
        EXPECT_EQ(*parsed, c.expected);
        if (!signed_variants) {
            continue;
        }
        // upstream also parses every row with an explicit "-" and "+"
        const auto negative = parse_quantity("-" + c.input);
        ASSERT_TRUE(negative.has_value()) << negative.error().message;
        EXPECT_EQ(*negative, c.expected == 0.0 ? 0.0 : -c.expected);
        const auto positive = parse_quantity("+" + c.input);
        ASSERT_TRUE(positive.has_value()) << positive.error().message;
        EXPECT_EQ(*positive, c.expected);
    }
}

TEST(ParseQuantity, UpstreamParseTable) // TestQuantityParse
{
    constexpr double kKi = 1024.0;
    expect_parses(
        {
            {"0", 0},
            {"0n", 0},
            {"0u", 0},
            {"0m", 0},
            {"0Ki", 0},
            {"0k", 0},
            {"0Mi", 0},
            {"0M", 0},
            {"0Gi", 0},
            {"0G", 0},
            {"0Ti", 0},
            {"0T", 0},
            {"1", 1},
            {"1Ki", kKi},
            {"8Ki", 8 * kKi},
            {"7Mi", 7 * kKi * kKi},
            {"6Gi", 6 * kKi * kKi * kKi},
            {"5Ti", 5 * kKi * kKi * kKi * kKi},
            {"4Pi", 4 * kKi * kKi * kKi * kKi * kKi},
            {"3Ei", 3 * kKi * kKi * kKi * kKi * kKi * kKi},
            {"10Ti", 10 * kKi * kKi * kKi * kKi},
            {"100Ti", 100 * kKi * kKi * kKi * kKi},
            {"5n", 5e-9},
            {"4u", 4e-6},
            {"3m", 3e-3},
            {"9", 9},
            {"8k", 8e3},
            {"50k", 50e3},
            {"7M", 7e6},
            {"6G", 6e9},
            {"5T", 5e12},
            {"40T", 40e12},
            {"300T", 300e12},
            {"2P", 2e15},
            {"1E", 1e18},
            {"1E-3", 1e-3},
            {"1e3", 1e3},
            {"1E6", 1e6},
            {"1e9", 1e9},
            {"1E12", 1e12},
            {"1e15", 1e15},
            {"1E18", 1e18},
            {"1e14", 1e14},
            {"1e13", 1e13},
            {"100.035k", 100035},
            {"0.001", 0.001},
            {"0.0005k", 0.5},
            {"0.005", 0.005},
            {"0.05", 0.05},
            {"0.5", 0.5},
            {"0.00050k", 0.5},
            {"0.00500", 0.005},
            {"0.05000", 0.05},
            {"0.50000", 0.5},
            {"0.5e0", 0.5},
            {"0.5e-1", 0.05},
            {"0.5e-2", 0.005},
            {"10.035M", 10035e3},
            {"1.2e3", 1200},
            {"1.3E+6", 1.3e6},
            {"1.40e9", 1.4e9},
            {"1.53E12", 1.53e12},
            {"1.6e15", 1.6e15},
            {"1.7E18", 1.7e18},
            {"9.01", 9.01},
            {"8.1k", 8100},
            {"7.123456M", 7123456},
            {"6.987654321G", 6987654321},
            {"5.444T", 5.444e12},
            {"40.1T", 40.1e12},
            {"300.2T", 300.2e12},
            {"2.5P", 2.5e15},
            {"1.01E", 1.01e18},
            // things that saturate or round (up to a whole nano-unit, in magnitude)
            {"3.001n", 4e-9},
            {"1.1E-9", 2e-9},
            {"0.0000000001", 1e-9},
            {"0.0000000005", 1e-9},
            {"0.00000000050", 1e-9},
            {"0.5e-9", 1e-9},
            {"0.9n", 1e-9},
            {"0.00000012345", 124e-9},
            {"0.00000012354", 124e-9},
            {"9Ei", 9223372036854775807.0},
            {"9223372036854775807Ki", 9223372036854775807.0},
            {"12E", 12e18},
            {"100.035Ki", 102435.84},
            {"0.5Mi", 0.5 * kKi * kKi},
            {"0.05Gi", 53687091.2},
            {"0.025Ti", 27487790694.4},
            // "things written by trolls"
            {"0.000000000001Ki", 2e-9},
            {".001", 0.001},
            {".0001k", 0.1},
            {"1.", 1},
            {"1.G", 1e9},
        },
        true);
}

TEST(ParseQuantity, UpstreamScannerAndLimitCases)
{
    expect_parses(
        {
            // TestParseQuantityString: a point or a sign without digits is zero
            {".", 0},
            {"-.", 0},
            {"+", 0},
            {"-", 0},
            {"0.025Ti", 27487790694.4},
            {"1.025Ti", 1126999418470.4},
            {"-1.025Ti", -1126999418470.4},
            // TestParseQuantity: around 18, 19 and 20 digits and the int64 limits
            {"-999999999999999999", -999999999999999999.0},
            {"999999999999999999.1", 999999999999999999.1},
            {"9999999999999999999", 9999999999999999999.0},
            {"-1E", -1e18},
            {"9999999999999999999000m", 9999999999999999999.0},
            {"1.0000000000000000001E", 1000000000000000000.1},
            {"-10E", -10e18},
            {"10.000000000000000001E", 10000000000000000001.0},
            {"-9223372036854775809", -9223372036854775809.0},
            {"9223372036854775807", 9223372036854775807.0},
            {"9223372036854775808000m", 9223372036854775808.0},
            {"-9223372036854775807.1", -9223372036854775807.1},
            // TestQuantityParseEmit inputs
            {".001Ki", 1.024},
            {".000001Ki", 1.024e-3},
            {".000000001Ki", 1.024e-6},
            {".000000000001Ki", 2e-9},
            // ours
            {"-3.001n", -4e-9},
            {"1e-400", 1e-9},
            {"-1e-1000000000000000", -1e-9},
            {"1e+3", 1000},
            {"00012.500", 12.5},
            {"1Ei", 1152921504606846976.0},
            {"8Ei", 9223372036854775807.0},
            {"-9Ei", -9223372036854775807.0},
            {"1e308", 1e308},
        },
        false);
}

TEST(ParseQuantity, RejectsUpstreamInvalidInput)
{
    const std::string format = "quantities must match the regular expression";
    const std::string suffix = "unable to parse quantity's suffix";
    const std::vector<std::pair<std::string, std::string>> cases = {
        // upstream TestQuantityParse invalid list, the empty string and MustParse's panic case
        {"1.1.M", format},
        {"1+1.0M", format},
        {"0.1mi", suffix},
        {"0.1am", format},
        {"aoeu", format},
        {".5i", suffix},
        {"1i", suffix},
        {"-3.01i", suffix},
        {"-3.01e-", suffix},
        {" 1", format},
        {"1 ", format},
        {"", format},
        {"Non-Numeric", format},
        // ours
        {"1.5.5", format},
        {"1Qi", format},
        {"\t1", format},
        {"1\n", format},
        {"1e", suffix},
        {"1e+", suffix},
        {"1ki", suffix},
        {"1K", suffix},
        {"1Kii", suffix},
        {"1m3", suffix},
        {"1Ee3", suffix},
        {"1e3.5", format},
        {"1e3m", format},
        {"1e+-3", format},
        {"--1", suffix},
        {"1.-5", suffix},
        {"1e99999999999999999999", suffix},
        {"1e309", "out of the range of a double"},
        {"1e1000000000000000", "out of the range of a double"},
        {std::string("1\0", 2), format},
    };
    for (const auto& [input, reason] : cases) {
        SCOPED_TRACE(input);
        const auto parsed = parse_quantity(input);
        ASSERT_FALSE(parsed.has_value()) << *parsed;
        EXPECT_NE(parsed.error().message.find("\"" + input + "\""), std::string::npos)
            << parsed.error().message;
        EXPECT_NE(parsed.error().message.find(reason), std::string::npos)
            << parsed.error().message;
    }
}

TEST(Quantity, CanonicalStringsRoundTrip)
{
    // Canonical DecimalSI strings at milli precision or coarser, from the tables above.
    for (const std::string canonical :
         {"1G", "300M", "1T", "1234567M", "1234567m", "3k", "1025", "5", "500m", "80m", "1080m",
          "1m", "0", "1", "1234", "12k", "50M", "1500m", "-250m", "26657m", "2936862750m",
          "2500T", "9P", "-1G", "9223372036854775807m", "-9223372036854775807m"}) {
        SCOPED_TRACE(canonical);
        const auto parsed = parse_quantity(canonical);
        ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
        EXPECT_EQ(format_quantity(*parsed), canonical);
    }
}

TEST(Quantity, NonCanonicalStringsComeBackCanonical)
{
    // upstream TestQuantityString "alternate" column and TestQuantityParseEmit, DecimalSI side
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"1000M", "1G"},     {"0.001T", "1G"},       {".001e12", "1G"},
        {"1.08", "1080m"},   {"1080000000n", "1080m"}, {"5000m", "5"},
        {"0.5", "500m"},     {"1000u", "1m"},        {"0.001e0", "1m"},
        {"1e-3", "1m"},      {"1e9", "1G"},          {".001Ki", "1024m"},
        {"1024Mi", "1073741824"}, {"1Ki", "1024"},   {"00", "0"},
        // finer than a milli-unit: rounded up in magnitude
        {".000001Ki", "2m"}, {"-1n", "-1m"},         {"1080u", "2m"},
        {"1080001u", "1081m"},
    };
    for (const auto& [input, canonical] : cases) {
        SCOPED_TRACE(input);
        const auto parsed = parse_quantity(input);
        ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
        EXPECT_EQ(format_quantity(*parsed), canonical);
    }
}

TEST(Quantity, RandomValuesRoundTripWithinOneMilliUnit)
{
    std::mt19937_64 random(20'260'502U);
    std::uniform_real_distribution<double> exponent(-6.0, 15.0);
    std::uniform_int_distribution<std::int64_t> milli(-999'999'999'999'999, 999'999'999'999'999);
    for (int i = 0; i < 20'000; ++i) {
        const double value = std::pow(10.0, exponent(random)) * (i % 2 == 0 ? 1.0 : -1.0);
        SCOPED_TRACE(value);
        const std::string text = format_quantity(value);
        const auto parsed = parse_quantity(text);
        ASSERT_TRUE(parsed.has_value()) << text;
        // rounded up in magnitude, by less than one milli-unit (plus the double's own spacing)
        const double ulp = std::nextafter(std::fabs(value), kInf) - std::fabs(value);
        const double slack = 0.001 + 4 * ulp;
        EXPECT_GE(std::fabs(*parsed), std::fabs(value)) << text;
        EXPECT_LE(std::fabs(*parsed) - std::fabs(value), slack) << text;
        // an exact count of milli-units with at most 15 digits survives the double unchanged
        const std::int64_t m = milli(random);
        const double exact = static_cast<double>(m) / 1000.0;
        const auto reparsed = parse_quantity(format_quantity(exact));
        ASSERT_TRUE(reparsed.has_value());
        EXPECT_EQ(format_quantity(*reparsed), format_quantity(exact));
        EXPECT_EQ(std::llround(*reparsed * 1000.0), m);
    }
}

TEST(ParseQuantity, RandomInputNeverCrashes)
{
    std::mt19937 random(20'260'503U);
    const std::string alphabet = "0123456789.+-eEinumkKMGTPQ ";
    std::uniform_int_distribution<int> length(0, 30);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<int> any_byte(0, 255);
    int parsed_count = 0;
    for (int i = 0; i < 30'000; ++i) {
        std::string text;
        const int n = length(random);
        for (int j = 0; j < n; ++j) {
            text += i % 2 == 0 ? alphabet[pick(random)] : static_cast<char>(any_byte(random));
        }
        const auto parsed = parse_quantity(text);
        if (parsed) {
            ++parsed_count;
            EXPECT_FALSE(std::isnan(*parsed)) << text;
            EXPECT_FALSE(std::isinf(*parsed)) << text;
        }
    }
    EXPECT_GT(parsed_count, 500);
}

TEST(ParseQuantity, LongInputIsLinear)
{
    const auto digits = parse_quantity(std::string(200'000, '9') + "e-200000");
    ASSERT_TRUE(digits.has_value()) << digits.error().message;
    EXPECT_EQ(*digits, 1.0);
    const auto binary = parse_quantity("0." + std::string(100'000, '0') + "1Ei");
    ASSERT_TRUE(binary.has_value()) << binary.error().message;
    EXPECT_EQ(*binary, 1e-9);
}

} // namespace
} // namespace ihpa::common
