#include "adapter/history/history_store.hpp"
#include "adapter/history/series_buffer.hpp"
#include "adapter/history/snapshot.hpp"

#include <boost/crc.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace ihpa::adapter {
namespace {

Sample at(std::int64_t seconds, double value)
{
    return {from_unix_seconds(seconds), value};
}

TEST(SeriesBufferTest, AlignsSamplesToStepSlotsAndKeepsTheLatestObservation)
{
    SeriesBuffer buffer(60, 5);
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(buffer.series().size(), 0);
    buffer.record(at(6000, 1.0));  // slot 100
    buffer.record(at(6059, 2.0));  // same slot: replaces
    buffer.record(at(6061, 3.0));  // slot 101
    const model::Series s = buffer.series();
    ASSERT_EQ(s.size(), 5);
    EXPECT_EQ(s.start, 97 * 60);
    EXPECT_EQ(s.step_seconds, 60);
    EXPECT_TRUE(std::isnan(s.values[0]) && std::isnan(s.values[1]) && std::isnan(s.values[2]));
    EXPECT_EQ(s.values[3], 2.0);
    EXPECT_EQ(s.values[4], 3.0);
    ASSERT_TRUE(buffer.latest());
    EXPECT_EQ(buffer.latest()->time, from_unix_seconds(6061));
    EXPECT_EQ(buffer.finite_count(), 2);
}

TEST(SeriesBufferTest, SkippedSlotsBecomeGapsAndOldSamplesFallOutOfTheWindow)
{
    SeriesBuffer buffer(10, 4);
    for (int i = 0; i < 4; ++i) {
        buffer.record(at(1000 + 10 * i, i));
    }
    buffer.record(at(1060, 6.0)); // slots 104, 105 skipped
    model::Series s = buffer.series();
    ASSERT_EQ(s.size(), 4);
    EXPECT_EQ(s.start, 1030);
    EXPECT_EQ(s.values[0], 3.0);
    EXPECT_TRUE(std::isnan(s.values[1]));
    EXPECT_TRUE(std::isnan(s.values[2]));
    EXPECT_EQ(s.values[3], 6.0);
    buffer.record(at(1040, 4.0)); // backfill inside the window
    buffer.record(at(1000, 9.0)); // older than the window: dropped
    s = buffer.series();
    EXPECT_EQ(s.values[1], 4.0);
    EXPECT_EQ(s.values[0], 3.0);
    EXPECT_EQ(buffer.latest()->value, 6.0); // a backfilled older sample is not the latest
    buffer.record(at(5000, 7.0)); // far ahead: the whole window becomes gaps
    EXPECT_EQ(buffer.finite_count(), 1);
    EXPECT_EQ(buffer.series(5000).size(), 1); // from is inclusive, rounded up to a slot
    EXPECT_EQ(buffer.series(4995).size(), 1);
    EXPECT_EQ(buffer.series(4990).size(), 2);
    EXPECT_EQ(buffer.series(0).size(), 4); // clamped to the window
}

TEST(SeriesBufferTest, NonFiniteValuesAreGapsAndNeverTheLatest)
{
    SeriesBuffer buffer(60, 3);
    buffer.record(at(60, 1.0));
    buffer.record(at(120, std::nan("")));
    buffer.record(at(180, INFINITY));
    EXPECT_EQ(buffer.finite_count(), 1);
    EXPECT_EQ(buffer.latest()->value, 1.0);
}

TEST(HistoryStoreTest, EnsureSharesAndRebuildsKeepingValues)
{
    HistoryStore store;
    auto a = store.ensure("k", 60, 10);
    EXPECT_EQ(store.ensure("k", 60, 10), a);
    for (int i = 0; i < 10; ++i) {
        a->record(at(60 * i, i));
    }
    auto b = store.ensure("k", 60, 5); // geometry changed: rebuilt, newest values kept
    EXPECT_NE(a, b);
    const model::Series s = b->series();
    ASSERT_EQ(s.size(), 5);
    EXPECT_EQ(s.values[0], 5.0);
    EXPECT_EQ(s.values[4], 9.0);
    EXPECT_EQ(store.size(), 1U);
    store.remove("k");
    EXPECT_EQ(store.find("k"), nullptr);
}

TEST(HistoryStoreTest, KeysSeparateSourceStepAndQuery)
{
    EXPECT_NE(series_key("a", "q", 60), series_key("a", "q", 30));
    EXPECT_NE(series_key("a", "q", 60), series_key("b", "q", 60));
    EXPECT_NE(series_key("a", "q1", 60), series_key("a", "q2", 60));
}

class SnapshotTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = std::filesystem::temp_directory_path() /
               ("ihpa-snapshot-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path dir_;
};

TEST_F(SnapshotTest, RoundTripsEverySeriesExactly)
{
    HistoryStore store;
    auto a = store.ensure("alpha", 60, 100);
    auto b = store.ensure("beta", 10, 7);
    for (int i = 0; i < 150; ++i) {
        a->record(at(60 * i + 7, i % 13 == 0 ? NAN : 0.5 * i));
    }
    b->record(at(1'700'000'005, 42.25));
    store.ensure("empty", 60, 3);
    const auto written = write_snapshot(store, dir_);
    ASSERT_TRUE(written) << written.error();
    EXPECT_GT(*written, (100U + 7U + 3U) * sizeof(float));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "history.snapshot.tmp"));

    HistoryStore loaded;
    const auto load = load_snapshot(loaded, dir_);
    ASSERT_TRUE(load) << load.error();
    EXPECT_EQ(load->series, 2U); // the empty series is not restored
    EXPECT_EQ(load->points, static_cast<std::size_t>(a->finite_count() + 1));
    for (const char* key : {"alpha", "beta"}) {
        const auto original = store.find(key)->series();
        const auto restored = loaded.find(key)->series();
        ASSERT_EQ(original.size(), restored.size()) << key;
        EXPECT_EQ(original.start, restored.start);
        for (Eigen::Index i = 0; i < original.size(); ++i) {
            EXPECT_TRUE(original.values[i] == restored.values[i] ||
                        (std::isnan(original.values[i]) && std::isnan(restored.values[i])));
        }
        EXPECT_EQ(store.find(key)->latest()->time, loaded.find(key)->latest()->time);
        EXPECT_EQ(store.find(key)->latest()->value, loaded.find(key)->latest()->value);
    }
}

TEST_F(SnapshotTest, MissingSnapshotLoadsNothing)
{
    HistoryStore store;
    const auto load = load_snapshot(store, dir_);
    ASSERT_TRUE(load);
    EXPECT_EQ(load->series, 0U);
}

TEST_F(SnapshotTest, CorruptTruncatedForeignAndNewerSnapshotsAreReportedAndChangeNothing)
{
    HistoryStore store;
    auto a = store.ensure("alpha", 60, 50);
    for (int i = 0; i < 50; ++i) {
        a->record(at(60 * i, i));
    }
    ASSERT_TRUE(write_snapshot(store, dir_));
    const auto path = snapshot_path(dir_);
    std::string good;
    {
        std::ifstream in(path, std::ios::binary);
        good.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto attempt = [&](std::string bytes) {
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
        HistoryStore target;
        auto result = load_snapshot(target, dir_);
        if (result) {
            return "loaded " + std::to_string(target.size());
        }
        EXPECT_EQ(target.size(), 0U);
        return result.error();
    };
    std::string flipped = good;
    flipped[flipped.size() / 2] ^= 0x20;
    EXPECT_NE(attempt(flipped).find("checksum mismatch"), std::string::npos);
    EXPECT_NE(attempt(good.substr(0, good.size() - 9)).find("checksum mismatch"), std::string::npos);
    EXPECT_NE(attempt("PK\x03\x04 not ours").find("not an ihpa history snapshot"), std::string::npos);
    std::string newer = good;
    newer[8] = 9;
    EXPECT_NE(attempt(newer).find("format version 9, this build reads version 1"),
              std::string::npos);
    EXPECT_NE(attempt(good.substr(0, 10)).find("ignored"), std::string::npos);
    EXPECT_EQ(attempt(good), "loaded 1");
}

/// Why read_snapshot rejects `image` once its checksum is appended, checking that the rejection
/// restored nothing; "loaded" when it is not rejected.
std::string rejection_of(const std::string& image)
{
    boost::crc_32_type crc;
    crc.process_bytes(image.data(), image.size());
    const std::uint32_t checksum = crc.checksum();
    const std::string checked =
        image + std::string(reinterpret_cast<const char*>(&checksum), sizeof checksum);
    HistoryStore store;
    std::istringstream in(checked);
    const auto load = read_snapshot(in, checked.size(), store);
    if (load) {
        return "loaded";
    }
    EXPECT_EQ(store.size(), 0U);
    return load.error();
}

TEST(SnapshotImageTest, ACapacityTheImageCannotHoldIsTruncationNotAnAllocation)
{
    // A snapshot whose checksum matches but whose series claims more values than the image
    // holds: rejected before the ring is allocated (a 4-byte tail once asked for 16 GiB).
    std::string image("IHPASNAP\x01\x00\x00\x00", 12);
    const auto put = [&](auto value) {
        image.append(reinterpret_cast<const char*>(&value), sizeof value);
    };
    put(std::uint64_t{1});                   // series
    put(std::uint32_t{1});                   // key length
    image += 'k';                            // key
    put(std::int64_t{1});                    // step
    put(SeriesBuffer::kMaxCapacity);         // capacity (194 days at 1 s: a valid geometry)
    put(std::int64_t{0});                    // newest slot
    put(std::uint8_t{0});                    // no latest observation
    put(std::int64_t{0});
    put(0.0);
    put(std::uint8_t{1});                    // has data
    put(1.0F);                               // one value of the 16777216 claimed
    EXPECT_EQ(rejection_of(image), "series 0: truncated values");
}

TEST_F(SnapshotTest, AWrongStructureBehindAMatchingChecksumRestoresNothing)
{
    // The second series is cut short and the checksum recomputed: the first series must not be
    // restored either (found by fuzz/snapshot_fuzzer.cpp).
    HistoryStore store;
    store.ensure("alpha", 60, 4)->record(at(600, 1.0));
    store.ensure("beta", 60, 4)->record(at(600, 2.0));
    ASSERT_TRUE(write_snapshot(store, dir_));
    std::string image;
    {
        std::ifstream in(snapshot_path(dir_), std::ios::binary);
        image.assign(std::istreambuf_iterator<char>(in), {});
    }
    image.resize(image.size() - 4 - 2 * sizeof(float)); // checksum and half of beta's values
    EXPECT_EQ(rejection_of(image), "series 1: truncated values");
}

TEST_F(SnapshotTest, WriteErrorsNameTheFile)
{
    HistoryStore store;
    store.ensure("a", 60, 2)->record(at(60, 1));
    const auto written = write_snapshot(store, dir_ / "missing-dir");
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().find("missing-dir/history.snapshot.tmp"), std::string::npos);
}

} // namespace
} // namespace ihpa::adapter
