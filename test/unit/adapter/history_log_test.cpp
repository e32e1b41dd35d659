// The history log beside the snapshot: segments, the snapshot protocol and its crash points,
// replay without duplicates, torn tails and corrupt segments, and the poller logging its rounds.
#include "adapter/history/history_log.hpp"
#include "adapter/history/poller.hpp"
#include "adapter/history/snapshot.hpp"
#include "test/fakes/fake_source.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>

namespace ihpa::adapter {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

const system_clock::time_point kStart = from_unix_seconds(1'800'000'000);

class HistoryLogTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = std::filesystem::temp_directory_path() /
               ("ihpa-history-log-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        auto opened = HistoryLog::open(dir_);
        ASSERT_TRUE(opened) << opened.error();
        log_ = std::move(*opened);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    /// Poll round `i` as the poller stores it: one point for each of two series, appended to the
    /// log, then recorded in the live store.
    void round(int i)
    {
        const auto at = kStart + std::chrono::seconds(10 * i);
        const std::vector<LoggedPoint> points{{"a", 10, 100, {at, 1.0 * i}},
                                              {"b", 30, 20, {at, 100.0 + i}}};
        const auto appended = log_->append(points, [&] {
            for (const LoggedPoint& p : points) {
                live_.ensure(p.key, p.step_seconds, p.capacity)->record(p.sample);
            }
        });
        ASSERT_TRUE(appended) << appended.error();
    }
    void rounds(int from, int to)
    {
        for (int i = from; i < to; ++i) {
            round(i);
        }
    }
    /// The whole snapshot protocol, as the adapter runs it.
    void snapshot()
    {
        const auto covered = log_->rotate();
        ASSERT_TRUE(covered) << covered.error();
        ASSERT_TRUE(write_snapshot(live_, dir_));
        log_->remove_through(*covered);
    }
    /// A start after a crash: the snapshot, then the log.
    LogReplay restart()
    {
        log_.reset();
        const auto loaded = load_snapshot(restored_, dir_);
        EXPECT_TRUE(loaded) << loaded.error();
        return replay_log(restored_, dir_);
    }
    /// Every series of `expected` is in `actual` with the same slots and latest observation.
    static void expect_same(const HistoryStore& expected, const HistoryStore& actual)
    {
        ASSERT_EQ(expected.size(), actual.size());
        for (const auto& [key, series] : expected.all()) {
            SCOPED_TRACE(key);
            const auto other = actual.find(key);
            ASSERT_TRUE(other);
            const model::Series want = series->series();
            const model::Series got = other->series();
            ASSERT_EQ(want.size(), got.size());
            EXPECT_EQ(want.start, got.start);
            for (Eigen::Index i = 0; i < want.size(); ++i) {
                EXPECT_TRUE(want.values[i] == got.values[i] ||
                            (std::isnan(want.values[i]) && std::isnan(got.values[i])))
                    << "slot " << i;
            }
            EXPECT_EQ(series->latest()->time, other->latest()->time);
            EXPECT_EQ(series->latest()->value, other->latest()->value);
        }
    }
    std::string read(const std::filesystem::path& path) const
    {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    std::filesystem::path dir_;
    std::unique_ptr<HistoryLog> log_;
    HistoryStore live_;
    HistoryStore restored_;
};

TEST_F(HistoryLogTest, SegmentsAreNumberedFilesBesideTheSnapshot)
{
    EXPECT_EQ(segment_path(dir_, 7), dir_ / "history.wal.7");
    EXPECT_EQ(list_segments(dir_), std::vector<std::uint64_t>{1});
    std::ofstream(dir_ / "history.wal.9.corrupt") << "x";
    std::ofstream(dir_ / "history.wal.x") << "x";
    std::ofstream(dir_ / "history.snapshot.tmp") << "x";
    EXPECT_EQ(list_segments(dir_), std::vector<std::uint64_t>{1});
    const auto covered = log_->rotate();
    ASSERT_TRUE(covered);
    EXPECT_EQ(*covered, 1U);
    EXPECT_EQ(list_segments(dir_), (std::vector<std::uint64_t>{1, 2}));
    log_.reset();
    auto reopened = HistoryLog::open(dir_); // after every segment and every one set aside
    ASSERT_TRUE(reopened);
    EXPECT_EQ(list_segments(dir_), (std::vector<std::uint64_t>{1, 2, 10}));
    EXPECT_EQ((*reopened)->stats().segments, 3U);
}

TEST_F(HistoryLogTest, ReplayWithoutASnapshotRestoresEveryRound)
{
    rounds(0, 12);
    const LogReplay replay = restart();
    EXPECT_EQ(replay.segments, 1U);
    EXPECT_EQ(replay.records, 12U);
    EXPECT_EQ(replay.points, 24U);
    EXPECT_EQ(replay.skipped, 0U);
    EXPECT_EQ(replay.created_series, 2U);
    EXPECT_TRUE(replay.warnings.empty());
    EXPECT_TRUE(replay.errors.empty());
    expect_same(live_, restored_);
}

TEST_F(HistoryLogTest, ReplayAfterASnapshotAddsOnlyTheRoundsAfterIt)
{
    rounds(0, 5);
    snapshot();
    EXPECT_EQ(list_segments(dir_), std::vector<std::uint64_t>{2}); // segment 1 is in the snapshot
    rounds(5, 9);
    EXPECT_EQ(log_->stats().appends, 9U);
    EXPECT_GT(log_->stats().bytes, 0U);
    const LogReplay replay = restart();
    EXPECT_EQ(replay.segments, 1U);
    EXPECT_EQ(replay.points, 8U);
    EXPECT_EQ(replay.skipped, 0U);
    EXPECT_EQ(replay.created_series, 0U);
    expect_same(live_, restored_);
}

TEST_F(HistoryLogTest, CrashAfterTheNewSegmentBeforeTheSnapshotLosesNothing)
{
    rounds(0, 4);
    snapshot();
    rounds(4, 7);
    ASSERT_TRUE(log_->rotate()); // the snapshot write that follows never finishes
    rounds(7, 9);                // rounds keep arriving while it is written
    const LogReplay replay = restart();
    EXPECT_EQ(replay.segments, 2U);
    EXPECT_EQ(replay.points, 10U); // rounds 4..8, two points each
    EXPECT_EQ(replay.skipped, 0U);
    expect_same(live_, restored_);
}

TEST_F(HistoryLogTest, CrashAfterTheSnapshotBeforeTheOldSegmentsAreDeletedRecordsNothingTwice)
{
    rounds(0, 6);
    const auto covered = log_->rotate();
    ASSERT_TRUE(covered);
    ASSERT_TRUE(write_snapshot(live_, dir_)); // the crash comes before remove_through
    rounds(6, 8);
    const LogReplay replay = restart();
    EXPECT_EQ(replay.segments, 2U);
    EXPECT_EQ(replay.skipped, 12U); // rounds 0..5 are in the snapshot
    EXPECT_EQ(replay.points, 4U);
    expect_same(live_, restored_);
}

TEST_F(HistoryLogTest, ATornTailIsCutWithAWarningAndTheRoundsBeforeItKept)
{
    rounds(0, 3);
    const std::filesystem::path segment = segment_path(dir_, 1);
    const std::uintmax_t three_rounds = std::filesystem::file_size(segment);
    round(3);
    std::filesystem::resize_file(segment, std::filesystem::file_size(segment) - 5); // torn append
    const LogReplay replay = restart();
    ASSERT_EQ(replay.warnings.size(), 1U);
    EXPECT_NE(replay.warnings[0].find(segment.string() + " at offset " +
                                      std::to_string(three_rounds)),
              std::string::npos)
        << replay.warnings[0];
    EXPECT_EQ(replay.torn, 1U);
    EXPECT_TRUE(replay.errors.empty());
    EXPECT_EQ(replay.records, 3U);
    const auto a = restored_.find("a");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->latest()->value, 2.0); // round 3 was never acknowledged
    EXPECT_EQ(a->finite_count(), 3);
    EXPECT_EQ(std::filesystem::file_size(segment), three_rounds); // cut at the last good record
    HistoryStore again;
    const LogReplay second = replay_log(again, dir_);
    EXPECT_TRUE(second.warnings.empty()); // the cut file reads cleanly next time
    EXPECT_EQ(second.points, 6U);
}

TEST_F(HistoryLogTest, ACorruptSegmentIsSetAsideAndTheReplayGoesOn)
{
    rounds(0, 3);
    ASSERT_TRUE(log_->rotate());
    rounds(3, 5);
    const std::filesystem::path first = segment_path(dir_, 1);
    std::string bytes = read(first);
    const std::size_t header = 12, record = (bytes.size() - header) / 3;
    bytes[header + record + record / 2] ^= 0x5a; // the middle record's payload
    std::ofstream(first, std::ios::binary | std::ios::trunc) << bytes;
    const LogReplay replay = restart();
    ASSERT_EQ(replay.errors.size(), 1U);
    EXPECT_NE(replay.errors[0].find(first.string()), std::string::npos) << replay.errors[0];
    EXPECT_NE(replay.errors[0].find("renamed to " + first.string() + ".corrupt"),
              std::string::npos)
        << replay.errors[0];
    EXPECT_EQ(replay.set_aside, 1U);
    EXPECT_TRUE(std::filesystem::exists(first.string() + ".corrupt"));
    EXPECT_FALSE(std::filesystem::exists(first));
    EXPECT_EQ(replay.records, 3U); // round 0 before the damage, rounds 3 and 4 after it
    EXPECT_EQ(replay.points, 6U);
    const auto a = restored_.find("a");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->latest()->value, 4.0);
    EXPECT_EQ(a->finite_count(), 3);
}

TEST_F(HistoryLogTest, AForeignFileInTheSegmentsPlaceIsSetAsideNamed)
{
    log_.reset();
    std::ofstream(segment_path(dir_, 1), std::ios::trunc)
        << "not a log at all, longer than a header";
    const LogReplay replay = replay_log(restored_, dir_);
    ASSERT_EQ(replay.errors.size(), 1U);
    EXPECT_NE(replay.errors[0].find(segment_path(dir_, 1).string() +
                                    " ignored: not an ihpa write-ahead log"),
              std::string::npos)
        << replay.errors[0];
    EXPECT_EQ(restored_.size(), 0U);
}

TEST_F(HistoryLogTest, ThePollerAppendsEachRoundBeforeTheSeriesHoldIt)
{
    auto source = std::make_shared<test::FakeSource>();
    source->set("q", [](system_clock::time_point t) {
        return static_cast<double>(unix_seconds(t) % 1000);
    });
    std::shared_ptr<HistoryLog> log = std::move(log_);
    Poller poller("fake", source, 30s, 7, log);
    const std::string key = series_key("fake", "q", 60) + "\x1f" "10";
    auto series = live_.ensure(key, 60, 10);
    poller.set_target(key, "q", series);
    poller.run_once(kStart);       // backfill of the window and the poll: one round
    poller.run_once(kStart + 30s); // the poll only
    EXPECT_EQ(log->stats().appends, 2U);
    const LogRead read = read_log(segment_path(dir_, 1));
    ASSERT_EQ(read.records.size(), 2U);
    EXPECT_EQ(read.records[0].size(), 11U); // ten backfilled slots and the polled value
    ASSERT_EQ(read.records[1].size(), 1U);
    EXPECT_EQ(read.records[1][0].key, key);
    EXPECT_EQ(read.records[1][0].step_seconds, 60);
    EXPECT_EQ(read.records[1][0].capacity, 10);
    EXPECT_EQ(read.records[1][0].sample.time, kStart + 30s);
    log.reset();
    const LogReplay replay = replay_log(restored_, dir_);
    EXPECT_EQ(replay.records, 2U);
    expect_same(live_, restored_);
}

} // namespace
} // namespace ihpa::adapter
