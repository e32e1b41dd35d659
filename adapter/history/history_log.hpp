#pragma once

#include "adapter/history/history_store.hpp"
#include "adapter/history/write_ahead_log.hpp"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// The path of log segment `number` in `state_dir`: `history.wal.<number>`.
[[nodiscard]] std::filesystem::path segment_path(const std::filesystem::path& state_dir,
                                                 std::uint64_t number);

/// The numbers of the log segments in `state_dir`, ascending (files aside, such as
/// `history.wal.3.corrupt`, are not segments).
[[nodiscard]] std::vector<std::uint64_t> list_segments(const std::filesystem::path& state_dir);

/// What replaying a state directory's log did.
struct LogReplay {
    std::size_t segments = 0;       ///< segments read
    std::size_t records = 0;        ///< good records (poll rounds) read
    std::size_t points = 0;         ///< points recorded into the store
    std::size_t skipped = 0;        ///< points the snapshot already held (at or before its latest)
    std::size_t created_series = 0; ///< series the snapshot lacked
    std::size_t torn = 0;           ///< segments whose torn tail was cut
    std::size_t set_aside = 0;      ///< segments renamed to `<name>.corrupt`
    std::vector<std::string> warnings; ///< one per torn tail, naming the file and offset
    std::vector<std::string> errors;   ///< one per segment set aside, naming the file
};

/// Replays every segment of `state_dir` into `store`, oldest first, after the snapshot was
/// loaded. A point at or before the latest observation its series had before the replay is
/// skipped (the snapshot holds it), so nothing is recorded twice; a series the store lacks is
/// created with the logged geometry. A torn tail is cut from the file (a warning); a segment that
/// is corrupt before its tail, foreign or of another version keeps what was read before the
/// damage and is renamed to `<name>.corrupt` (an error), so the next start does not trip on it.
[[nodiscard]] LogReplay replay_log(HistoryStore& store, const std::filesystem::path& state_dir);

/// What `replay_log` does with one segment's good `records`: records their points into `store`,
/// skipping those at or before the latest observation their series had before the replay;
/// `before` keeps that observation per key (filled the first time a key is seen, shared by
/// the segments of one replay). Counts into `replay`.
void replay_records(const std::vector<std::vector<LoggedPoint>>& records, HistoryStore& store,
                    std::map<std::string, std::optional<Sample>>& before, LogReplay& replay);

/// Running figures of a history log, for `/metrics`.
struct LogStats {
    std::uint64_t appends = 0;          ///< records appended and made durable
    std::uint64_t append_failures = 0;  ///< appends that failed (the points were kept in memory)
    std::uint64_t bytes = 0;            ///< bytes of those records
    double append_seconds = 0.0;        ///< time spent in write + fdatasync
    std::size_t segments = 0;           ///< segments in the state directory
};

/// The write-ahead log of a state directory: numbered segments, poll rounds appended to the
/// newest. `append` makes a round durable and then, still under the log's lock, records it in
/// memory; `rotate` takes the same lock, so every round in the segments it returns is already in
/// the store when a snapshot is written after it. Thread-safe.
///
/// Snapshot protocol: `covered = rotate()`, write the snapshot, `remove_through(covered)`. A
/// crash before the snapshot is renamed into place leaves the old snapshot and every segment;
/// a crash after it leaves segments the new snapshot covers, which replay skips point by point.
class HistoryLog {
public:
    /// Starts a new segment after every existing one in `state_dir` (replay them first). The
    /// error names the file that cannot be created.
    [[nodiscard]] static std::expected<std::unique_ptr<HistoryLog>, std::string>
    open(const std::filesystem::path& state_dir);

    /// Appends `points` as one record and makes it durable, then runs `store` (which records
    /// them in memory) under the same lock. When the append fails, `store` runs anyway (the
    /// points are served, and the next snapshot persists them), the failure is counted and
    /// logged once until an append succeeds again, and the error is returned.
    std::expected<void, std::string> append(const std::vector<LoggedPoint>& points,
                                            const std::function<void()>& store);

    /// Starts a new segment and returns the number of the one before it: every round in the
    /// segments up to that number is in the store from now on.
    [[nodiscard]] std::expected<std::uint64_t, std::string> rotate();

    /// Deletes the segments numbered up to `number` (a snapshot now holds them); errors are
    /// logged and the files left for the next rotation.
    void remove_through(std::uint64_t number);

    [[nodiscard]] LogStats stats() const;

private:
    HistoryLog(std::filesystem::path state_dir, std::uint64_t number, WriteAheadLog segment);

    /// Creates segment `number` and makes its directory entry durable.
    [[nodiscard]] static std::expected<WriteAheadLog, std::string>
    create_segment(const std::filesystem::path& state_dir, std::uint64_t number);

    std::filesystem::path state_dir_;
    mutable std::mutex mutex_; ///< guards everything below
    std::uint64_t number_;     ///< of the segment appended to
    WriteAheadLog segment_;
    LogStats stats_;
    bool failing_ = false; ///< the last append failed (logged once)
};

} // namespace ihpa::adapter
