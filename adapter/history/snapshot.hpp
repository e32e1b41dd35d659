#pragma once

#include "adapter/history/history_store.hpp"

#include <expected>
#include <filesystem>
#include <istream>
#include <string>

namespace ihpa::adapter {

/// What a snapshot load did.
struct SnapshotLoad {
    std::size_t series = 0; ///< series restored
    std::size_t points = 0; ///< finite values among them
};

/// The file a state directory keeps the history in.
[[nodiscard]] std::filesystem::path snapshot_path(const std::filesystem::path& state_dir);

/// Writes every series of `store` to `<state_dir>/history.snapshot` atomically: a temporary file
/// in the same directory, fsync, rename over the old snapshot, fsync of the directory. A crash
/// at any point leaves either the old or the new snapshot, never a torn one. Format (version 1,
/// little-endian): magic `IHPASNAP`, version, series count, per series its key, step, capacity,
/// newest slot, latest observation and float32 ring, then a CRC-32 of everything before it.
/// Each series is locked only while it is copied. Returns the number of bytes written, or an
/// error naming the file and the failing system call.
[[nodiscard]] std::expected<std::size_t, std::string>
write_snapshot(const HistoryStore& store, const std::filesystem::path& state_dir);

/// Loads `<state_dir>/history.snapshot` into `store` (series are created with the snapshot's
/// geometry; `HistoryStore::ensure` adapts them to the configuration later). The checksum is
/// verified over the whole file before anything is restored, so a corrupt, truncated, foreign or
/// newer-version file changes nothing and is reported as an error that names it and says what is
/// wrong. No file: zero series, not an error.
[[nodiscard]] std::expected<SnapshotLoad, std::string>
load_snapshot(HistoryStore& store, const std::filesystem::path& state_dir);

/// What `load_snapshot` does once the file is open: restores the snapshot image `in` holds (its
/// `size` bytes from position 0) into `store`, with the same checks. The error says what is
/// wrong, without a file name.
[[nodiscard]] std::expected<SnapshotLoad, std::string>
read_snapshot(std::istream& in, std::uintmax_t size, HistoryStore& store);

} // namespace ihpa::adapter
