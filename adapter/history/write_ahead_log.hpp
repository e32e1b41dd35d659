#pragma once

#include "adapter/source/metric_source.hpp"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ihpa::adapter {

/// One point of a poll round as the log keeps it: the series it belongs to (key and geometry,
/// so replay can create a series the snapshot lacks) and the sample.
struct LoggedPoint {
    std::string key;
    std::int64_t step_seconds = 0;
    std::int64_t capacity = 0;
    Sample sample;
};

/// What reading a log found: the good records in order, a warning when a torn tail was cut
/// (naming the file and offset), an error when the file is foreign, of another version, or
/// corrupt before its tail (the records before the corruption are still returned).
struct LogRead {
    std::vector<std::vector<LoggedPoint>> records;
    std::uint64_t good_bytes = 0; ///< offset just past the last good record
    std::optional<std::string> warning;
    std::optional<std::string> error;
};

/// Reads the log at `path`. Format (version 1, little-endian): magic `IHPAWAL1`, u32 version,
/// then records of u32 payload length, u32 CRC-32 of the payload, payload (u32 point count, per
/// point u32 key length, key, i64 step, i64 capacity, i64 time in ms, f64 value). A record that
/// runs past the end of the file, or the last record with a bad checksum, is a torn tail; a bad
/// checksum with more bytes after the record is corruption. No file: no records, no error.
[[nodiscard]] LogRead read_log(const std::filesystem::path& path);

/// What `read_log` does with the file's contents: parses the log image `bytes`; `name` stands
/// for the file in the warning and error.
[[nodiscard]] LogRead parse_log(std::string_view bytes, const std::string& name);

/// An append-only log file of poll rounds. `append` returns only once the record is on disk
/// (write + fdatasync), so a point counts as stored only after it is durable. Not thread-safe.
class WriteAheadLog {
public:
    /// Opens `path` for appending: a missing file is created with the header; an existing one is
    /// read and a torn tail cut at the last good record. Fails (naming the file) when the file
    /// cannot be opened or is foreign, of another version or corrupt before its tail.
    [[nodiscard]] static std::expected<WriteAheadLog, std::string>
    open(const std::filesystem::path& path);

    WriteAheadLog(WriteAheadLog&& other) noexcept;
    WriteAheadLog& operator=(WriteAheadLog&& other) noexcept;
    WriteAheadLog(const WriteAheadLog&) = delete;
    WriteAheadLog& operator=(const WriteAheadLog&) = delete;
    ~WriteAheadLog();

    /// Appends one record holding `points` and makes it durable; returns the record's size in
    /// bytes. On a failure (the error names the file) the file is cut back to where the record
    /// began, so a later append does not follow a partial record.
    [[nodiscard]] std::expected<std::size_t, std::string>
    append(const std::vector<LoggedPoint>& points);

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    WriteAheadLog(int fd, std::filesystem::path path, std::uint64_t size)
        : fd_(fd), path_(std::move(path)), size_(size)
    {
    }

    int fd_ = -1;
    std::filesystem::path path_;
    std::uint64_t size_ = 0; ///< bytes of good records (and header) in the file
};

} // namespace ihpa::adapter
