#include "adapter/history/write_ahead_log.hpp"

#include "adapter/history/series_buffer.hpp"

#include <boost/crc.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <type_traits>
#include <utility>

namespace ihpa::adapter {
namespace {

constexpr char kMagic[8] = {'I', 'H', 'P', 'A', 'W', 'A', 'L', '1'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = sizeof kMagic + sizeof kVersion;
constexpr std::size_t kRecordHeaderBytes = 2 * sizeof(std::uint32_t);

std::string system_error(const std::string& what, const std::filesystem::path& path)
{
    return what + " " + path.string() + ": " + std::strerror(errno);
}

template <typename T>
void put(std::string& out, const T& value)
{
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

/// Reads fixed-size fields from a byte range, failing softly at its end.
class Cursor {
public:
    Cursor(const char* data, std::size_t size) : data_(data), left_(size) {}
    template <typename T>
    bool get(T& value)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        return get_bytes(&value, sizeof value);
    }
    bool get_bytes(void* out, std::size_t size)
    {
        if (size > left_) {
            return false;
        }
        std::memcpy(out, data_, size);
        data_ += size;
        left_ -= size;
        return true;
    }
    [[nodiscard]] std::size_t left() const { return left_; }

private:
    const char* data_;
    std::size_t left_;
};

std::uint32_t crc32(const char* data, std::size_t size)
{
    boost::crc_32_type crc;
    crc.process_bytes(data, size);
    return crc.checksum();
}

/// Decodes one record's payload; nullopt when its structure is wrong.
std::optional<std::vector<LoggedPoint>> decode(const char* data, std::size_t size)
{
    Cursor in(data, size);
    std::uint32_t count = 0;
    if (!in.get(count)) {
        return std::nullopt;
    }
    std::vector<LoggedPoint> points;
    for (std::uint32_t i = 0; i < count; ++i) {
        LoggedPoint p;
        std::uint32_t key_size = 0;
        std::int64_t time_ms = 0;
        if (!in.get(key_size) || key_size > in.left()) {
            return std::nullopt;
        }
        p.key.resize(key_size);
        if (!in.get_bytes(p.key.data(), key_size) || !in.get(p.step_seconds) ||
            !in.get(p.capacity) || !in.get(time_ms) || !in.get(p.sample.value)) {
            return std::nullopt;
        }
        if (!SeriesBuffer::valid_geometry(p.step_seconds, p.capacity) ||
            !SeriesBuffer::valid_time_ms(time_ms)) {
            return std::nullopt; // not what this format's writer produces
        }
        p.sample.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(time_ms));
        points.push_back(std::move(p));
    }
    if (in.left() != 0) {
        return std::nullopt;
    }
    return points;
}

std::string encode(const std::vector<LoggedPoint>& points)
{
    std::string payload;
    put(payload, static_cast<std::uint32_t>(points.size()));
    for (const LoggedPoint& p : points) {
        put(payload, static_cast<std::uint32_t>(p.key.size()));
        payload += p.key;
        put(payload, p.step_seconds);
        put(payload, p.capacity);
        put(payload, static_cast<std::int64_t>(
                         std::chrono::duration_cast<std::chrono::milliseconds>(
                             p.sample.time.time_since_epoch())
                             .count()));
        put(payload, p.sample.value);
    }
    std::string record;
    put(record, static_cast<std::uint32_t>(payload.size()));
    put(record, crc32(payload.data(), payload.size()));
    return record + payload;
}

bool write_all(int fd, const std::string& bytes)
{
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

LogRead read_log(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LogRead read;
        if (std::filesystem::exists(path)) {
            read.error = system_error("cannot read", path);
        }
        return read;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_log(bytes, path.string());
}

LogRead parse_log(std::string_view bytes, const std::string& name)
{
    LogRead read;
    const auto at = [&](std::uint64_t offset) {
        return "log " + name + " at offset " + std::to_string(offset) + ": ";
    };
    Cursor header(bytes.data(), bytes.size());
    char magic[sizeof kMagic] = {};
    std::uint32_t version = 0;
    if (bytes.size() < kHeaderBytes) {
        // a crash while the header was written: an empty log
        read.warning = at(0) + "torn header cut";
        return read;
    }
    header.get_bytes(magic, sizeof magic);
    header.get(version);
    if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) {
        read.error = "log " + name + " ignored: not an ihpa write-ahead log";
        return read;
    }
    if (version != kVersion) {
        read.error = "log " + name + " ignored: format version " +
                     std::to_string(version) + ", this build reads version " +
                     std::to_string(kVersion);
        return read;
    }
    std::uint64_t offset = kHeaderBytes;
    while (offset < bytes.size()) {
        Cursor record(bytes.data() + offset, bytes.size() - offset);
        std::uint32_t length = 0, crc = 0;
        if (!record.get(length) || !record.get(crc) || length > record.left()) {
            read.warning = at(offset) + "torn tail cut (" + std::to_string(bytes.size() - offset) +
                           " bytes dropped)";
            break;
        }
        const char* payload = bytes.data() + offset + kRecordHeaderBytes;
        const std::uint64_t end = offset + kRecordHeaderBytes + length;
        auto points = crc32(payload, length) == crc ? decode(payload, length) : std::nullopt;
        if (!points) {
            if (end == bytes.size()) {
                read.warning =
                    at(offset) + "torn tail cut (last record fails its checksum or is malformed)";
            } else {
                read.error = at(offset) + "corrupt record (checksum mismatch or malformed) with " +
                             std::to_string(bytes.size() - end) +
                             " bytes after it; the log is read up to here";
            }
            break;
        }
        read.records.push_back(std::move(*points));
        offset = end;
    }
    read.good_bytes = offset;
    return read;
}

std::expected<WriteAheadLog, std::string> WriteAheadLog::open(const std::filesystem::path& path)
{
    const LogRead existing = read_log(path);
    if (existing.error) {
        return std::unexpected(*existing.error);
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return std::unexpected(system_error("cannot open", path));
    }
    const bool fresh = existing.good_bytes < kHeaderBytes;
    WriteAheadLog log(fd, path, fresh ? kHeaderBytes : existing.good_bytes);
    const auto keep = static_cast<off_t>(fresh ? 0 : existing.good_bytes);
    if (::ftruncate(fd, keep) != 0 || ::lseek(fd, keep, SEEK_SET) < 0) {
        return std::unexpected(system_error("cannot cut the torn tail of", path));
    }
    if (fresh) {
        std::string header(kMagic, sizeof kMagic);
        put(header, kVersion);
        if (!write_all(fd, header) || ::fdatasync(fd) != 0) {
            return std::unexpected(system_error("cannot write the header of", path));
        }
    }
    return log;
}

WriteAheadLog::WriteAheadLog(WriteAheadLog&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), size_(other.size_)
{
}

WriteAheadLog& WriteAheadLog::operator=(WriteAheadLog&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
        size_ = other.size_;
    }
    return *this;
}

WriteAheadLog::~WriteAheadLog()
{
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

std::expected<std::size_t, std::string>
WriteAheadLog::append(const std::vector<LoggedPoint>& points)
{
    const std::string record = encode(points);
    if (!write_all(fd_, record) || ::fdatasync(fd_) != 0) {
        std::string error = system_error("cannot append to", path_);
        const auto keep = static_cast<off_t>(size_);
        if (::ftruncate(fd_, keep) != 0 || ::lseek(fd_, keep, SEEK_SET) < 0) {
            error += "; " + system_error("cannot cut the partial record from", path_);
        }
        return std::unexpected(error);
    }
    size_ += record.size();
    return record.size();
}

} // namespace ihpa::adapter
