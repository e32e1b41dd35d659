#include "adapter/history/write_ahead_log.hpp"

#include "adapter/history/series_buffer.hpp"

#include <boost/crc.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace ihpa::adapter {
namespace {

class WriteAheadLogTest : public testing::Test {
protected:
    void SetUp() override
    {
        dir_ = std::filesystem::temp_directory_path() /
               ("ihpa-wal-" + std::to_string(::getpid()) + "-" +
                testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        path_ = dir_ / "history.wal";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    static std::vector<LoggedPoint> round(std::int64_t ms, double value)
    {
        const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
        return {{"src\x1fq1", 60, 100, {at, value}}, {"src\x1fq2", 30, 50, {at, -value}}};
    }
    void write_rounds(int n)
    {
        auto log = WriteAheadLog::open(path_);
        ASSERT_TRUE(log) << log.error();
        for (int i = 0; i < n; ++i) {
            ASSERT_TRUE(log->append(round(1000 * i, i)));
        }
    }
    std::string bytes() const
    {
        std::ifstream in(path_, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    void overwrite(const std::string& content) const
    {
        std::ofstream(path_, std::ios::binary | std::ios::trunc) << content;
    }

    std::filesystem::path dir_;
    std::filesystem::path path_;
};

TEST_F(WriteAheadLogTest, RoundTripsEveryPointOfEveryRound)
{
    write_rounds(3);
    const LogRead read = read_log(path_);
    ASSERT_FALSE(read.error);
    EXPECT_FALSE(read.warning);
    ASSERT_EQ(read.records.size(), 3U);
    for (int i = 0; i < 3; ++i) {
        const auto expected = round(1000 * i, i);
        ASSERT_EQ(read.records[i].size(), expected.size());
        for (std::size_t j = 0; j < expected.size(); ++j) {
            EXPECT_EQ(read.records[i][j].key, expected[j].key);
            EXPECT_EQ(read.records[i][j].step_seconds, expected[j].step_seconds);
            EXPECT_EQ(read.records[i][j].capacity, expected[j].capacity);
            EXPECT_EQ(read.records[i][j].sample.time, expected[j].sample.time);
            EXPECT_EQ(read.records[i][j].sample.value, expected[j].sample.value);
        }
    }
}

TEST_F(WriteAheadLogTest, ReopeningAppendsAfterTheExistingRecords)
{
    write_rounds(2);
    write_rounds(1);
    EXPECT_EQ(read_log(path_).records.size(), 3U);
}

TEST_F(WriteAheadLogTest, ATornTailAtEveryByteOfTheLastRecordIsCutAndWarned)
{
    write_rounds(2);
    const std::string one_record = [&] {
        std::filesystem::remove(path_);
        write_rounds(1);
        return bytes();
    }();
    std::filesystem::remove(path_);
    write_rounds(2);
    const std::string full = bytes();
    for (std::size_t cut = one_record.size(); cut < full.size(); ++cut) {
        overwrite(full.substr(0, cut));
        const LogRead read = read_log(path_);
        EXPECT_FALSE(read.error) << "cut at " << cut << ": " << *read.error;
        ASSERT_EQ(read.records.size(), 1U) << "cut at " << cut;
        EXPECT_EQ(read.good_bytes, one_record.size());
        if (cut > one_record.size()) {
            ASSERT_TRUE(read.warning) << "cut at " << cut;
            EXPECT_NE(read.warning->find(path_.string()), std::string::npos);
            EXPECT_NE(read.warning->find("offset " + std::to_string(one_record.size())),
                      std::string::npos);
        }
        // reopening cuts the tail so the next record follows the last good one
        auto log = WriteAheadLog::open(path_);
        ASSERT_TRUE(log) << log.error();
        ASSERT_TRUE(log->append(round(5000, 5)));
        const LogRead after = read_log(path_);
        EXPECT_FALSE(after.warning);
        ASSERT_EQ(after.records.size(), 2U) << "cut at " << cut;
        EXPECT_EQ(after.records[1][0].sample.value, 5.0);
    }
}

TEST_F(WriteAheadLogTest, ACorruptChecksumInTheMiddleIsAnErrorNamingFileAndOffset)
{
    write_rounds(1);
    const std::size_t first_end = bytes().size();
    std::filesystem::remove(path_);
    write_rounds(3);
    std::string content = bytes();
    content[first_end + 5] ^= 0x01; // inside the second record's checksum
    overwrite(content);
    const LogRead read = read_log(path_);
    ASSERT_TRUE(read.error);
    EXPECT_NE(read.error->find(path_.string()), std::string::npos);
    EXPECT_NE(read.error->find("offset " + std::to_string(first_end)), std::string::npos);
    EXPECT_EQ(read.records.size(), 1U); // what could be read is kept
    EXPECT_FALSE(WriteAheadLog::open(path_)); // and the log is not appended to blindly
}

TEST_F(WriteAheadLogTest, AForeignOrNewerFileIsAClearError)
{
    overwrite(std::string("NOTAWAL!\x01\x00\x00\x00", 12));
    ASSERT_TRUE(read_log(path_).error);
    EXPECT_NE(read_log(path_).error->find("not an ihpa write-ahead log"), std::string::npos);
    overwrite(std::string("IHPAWAL1\x02\x00\x00\x00", 12));
    ASSERT_TRUE(read_log(path_).error);
    EXPECT_NE(read_log(path_).error->find("format version 2"), std::string::npos);
}

TEST_F(WriteAheadLogTest, ARecordWithAGeometryNoSeriesCanHaveIsNotReturned)
{
    // Checksums match (the writer encodes what it is given), but a step of 0 would divide by
    // zero when replayed, a capacity beyond the limit would reserve gigabytes, and a history
    // longer than the configuration allows could overflow the slot arithmetic.
    const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1000));
    for (const auto& [step, capacity] : {std::pair<std::int64_t, std::int64_t>{0, 10},
                                         {-60, 10},
                                         {60, 0},
                                         {1, SeriesBuffer::kMaxCapacity + 1},
                                         {SeriesBuffer::kMaxStepSeconds + 1, 10},
                                         {86'400, 401}}) {
        std::filesystem::remove(path_);
        {
            auto log = WriteAheadLog::open(path_);
            ASSERT_TRUE(log) << log.error();
            ASSERT_TRUE(log->append(round(0, 1.0)));
            ASSERT_TRUE(log->append({{"k", step, capacity, {at, 1.0}}}));
        }
        const LogRead read = parse_log(bytes(), "segment");
        EXPECT_EQ(read.records.size(), 1U) << step << " " << capacity;
        ASSERT_TRUE(read.warning) << step << " " << capacity;
        EXPECT_NE(read.warning->find("log segment at offset"), std::string::npos) << *read.warning;
    }
}

TEST(WriteAheadLogImageTest, ATimeBeyondTheClockIsMalformedNotAnOverflow)
{
    // One record with a matching checksum whose time in milliseconds overflows the nanosecond
    // clock when converted (found by fuzz/write_ahead_log_fuzzer.cpp).
    std::string payload;
    const auto put = [](std::string& out, auto value) {
        out.append(reinterpret_cast<const char*>(&value), sizeof value);
    };
    put(payload, std::uint32_t{1});                  // points
    put(payload, std::uint32_t{1});                  // key length
    payload += 'k';
    put(payload, std::int64_t{60});                  // step
    put(payload, std::int64_t{10});                  // capacity
    put(payload, std::int64_t{36'030'497'020'883'968}); // time in ms
    put(payload, 1.0);
    boost::crc_32_type crc;
    crc.process_bytes(payload.data(), payload.size());
    std::string image("IHPAWAL1\x01\x00\x00\x00", 12);
    put(image, static_cast<std::uint32_t>(payload.size()));
    put(image, static_cast<std::uint32_t>(crc.checksum()));
    image += payload;
    const LogRead read = parse_log(image, "segment");
    EXPECT_TRUE(read.records.empty());
    ASSERT_TRUE(read.warning);
    EXPECT_NE(read.warning->find("malformed"), std::string::npos) << *read.warning;
}

TEST_F(WriteAheadLogTest, NoFileIsNoRecordsAndNoError)
{
    const LogRead read = read_log(path_);
    EXPECT_TRUE(read.records.empty());
    EXPECT_FALSE(read.error);
    EXPECT_FALSE(read.warning);
}

} // namespace
} // namespace ihpa::adapter
