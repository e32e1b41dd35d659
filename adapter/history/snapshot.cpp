#include "adapter/history/snapshot.hpp"

#include <boost/crc.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <type_traits>

namespace ihpa::adapter {
namespace {

constexpr char kMagic[8] = {'I', 'H', 'P', 'A', 'S', 'N', 'A', 'P'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kFlushBytes = 1 << 20;

std::string system_error(const std::string& what, const std::filesystem::path& path)
{
    return what + " " + path.string() + ": " + std::strerror(errno);
}

/// Buffered writer to a file descriptor that keeps a running CRC-32 of what it wrote.
class ChecksummedWriter {
public:
    ChecksummedWriter(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

    template <typename T>
    void put(const T& value)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        put_bytes(&value, sizeof value);
    }
    void put_bytes(const void* data, std::size_t size)
    {
        buffer_.append(static_cast<const char*>(data), size);
        if (buffer_.size() >= kFlushBytes) {
            flush();
        }
    }
    /// Appends the checksum of everything so far and writes the rest out.
    std::expected<std::size_t, std::string> finish()
    {
        flush();
        const std::uint32_t crc = crc_.checksum();
        buffer_.append(reinterpret_cast<const char*>(&crc), sizeof crc);
        flush();
        if (!error_.empty()) {
            return std::unexpected(error_);
        }
        return written_;
    }

private:
    void flush()
    {
        crc_.process_bytes(buffer_.data(), buffer_.size());
        const char* data = buffer_.data();
        std::size_t left = buffer_.size();
        while (left > 0 && error_.empty()) {
            const ssize_t n = ::write(fd_, data, left);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                error_ = system_error("cannot write", path_);
                break;
            }
            data += n;
            left -= static_cast<std::size_t>(n);
            written_ += static_cast<std::size_t>(n);
        }
        buffer_.clear();
    }

    int fd_;
    std::filesystem::path path_;
    std::string buffer_;
    boost::crc_32_type crc_;
    std::size_t written_ = 0;
    std::string error_;
};

/// Reads fields from a snapshot image held in a stream, failing softly; counts what is left.
class Reader {
public:
    Reader(std::istream& in, std::uintmax_t size) : in_(in), left_(size) {}
    template <typename T>
    bool get(T& value)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        return get_bytes(&value, sizeof value);
    }
    bool get_bytes(void* data, std::size_t size)
    {
        if (size > left_ ||
            !in_.read(static_cast<char*>(data), static_cast<std::streamsize>(size))) {
            return false;
        }
        left_ -= size;
        return true;
    }
    /// Moves past `size` bytes without reading them.
    bool skip(std::uintmax_t size)
    {
        if (size > left_ || !in_.seekg(static_cast<std::streamoff>(size), std::ios::cur)) {
            return false;
        }
        left_ -= size;
        return true;
    }
    /// Bytes not read yet.
    [[nodiscard]] std::uintmax_t left() const { return left_; }

private:
    std::istream& in_;
    std::uintmax_t left_;
};

/// Checks the trailing CRC-32 against the image's contents, streaming; leaves `in` at `resume`.
std::expected<void, std::string> verify_checksum(std::istream& in, std::uintmax_t size,
                                                 std::streamoff resume)
{
    if (size < sizeof kMagic + sizeof(std::uint32_t) * 2 + sizeof(std::uint64_t)) {
        return std::unexpected("too short to be a snapshot (" + std::to_string(size) + " bytes)");
    }
    in.seekg(0);
    boost::crc_32_type crc;
    std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uintmax_t>(size, kFlushBytes)));
    std::uintmax_t left = size - sizeof(std::uint32_t);
    while (left > 0) {
        const auto n = static_cast<std::streamsize>(std::min<std::uintmax_t>(left, chunk.size()));
        if (!in.read(chunk.data(), n)) {
            return std::unexpected("read failed");
        }
        crc.process_bytes(chunk.data(), static_cast<std::size_t>(n));
        left -= static_cast<std::uintmax_t>(n);
    }
    std::uint32_t stored = 0;
    if (!in.read(reinterpret_cast<char*>(&stored), sizeof stored)) {
        return std::unexpected("read failed");
    }
    if (stored != crc.checksum()) {
        return std::unexpected("checksum mismatch (the file is corrupt or truncated)");
    }
    in.seekg(resume);
    return {};
}

/// Reads the series of a snapshot whose header and checksum were checked. With a store, restores
/// every series that has data into it; without one, only checks the structure, skipping the
/// values. The error names the series at fault.
std::expected<SnapshotLoad, std::string> read_series(Reader& reader, HistoryStore* store)
{
    const auto fail = [](std::uint64_t i, const std::string& why) {
        return std::unexpected("series " + std::to_string(i) + ": " + why);
    };
    std::uint64_t count = 0;
    if (!reader.get(count)) {
        return std::unexpected("truncated series count");
    }
    SnapshotLoad load;
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string key;
        std::int64_t step = 0, capacity = 0, newest_slot = 0, latest_ms = 0;
        std::uint32_t key_size = 0;
        std::uint8_t has_latest = 0, has_data = 0;
        double latest_value = 0.0;
        if (!reader.get(key_size) || key_size > reader.left()) {
            return fail(i, "bad key length");
        }
        key.resize(key_size);
        if (!reader.get_bytes(key.data(), key_size) || !reader.get(step) ||
            !reader.get(capacity) || !reader.get(newest_slot) || !reader.get(has_latest) ||
            !reader.get(latest_ms) || !reader.get(latest_value) || !reader.get(has_data)) {
            return fail(i, "truncated header");
        }
        if (!SeriesBuffer::valid_geometry(step, capacity)) {
            return fail(i, "invalid step or capacity");
        }
        if ((has_data != 0 && (newest_slot < -SeriesBuffer::kMaxUnixSeconds / step ||
                               newest_slot > SeriesBuffer::kMaxUnixSeconds / step)) ||
            (has_latest != 0 && !SeriesBuffer::valid_time_ms(latest_ms))) {
            return fail(i, "time out of range");
        }
        // Checked before allocating: a capacity the image cannot hold is truncation, not a
        // reason to reserve memory for it.
        const auto value_bytes = static_cast<std::uintmax_t>(capacity) * sizeof(float);
        if (value_bytes > reader.left()) {
            return fail(i, "truncated values");
        }
        if (store == nullptr || has_data == 0) {
            reader.skip(value_bytes);
            continue;
        }
        std::vector<float> values(static_cast<std::size_t>(capacity));
        reader.get_bytes(values.data(), static_cast<std::size_t>(value_bytes));
        std::optional<Sample> latest;
        if (has_latest != 0) {
            latest = Sample{std::chrono::system_clock::time_point(std::chrono::milliseconds(latest_ms)),
                            latest_value};
        }
        load.points += static_cast<std::size_t>(
            std::count_if(values.begin(), values.end(), [](float v) { return std::isfinite(v); }));
        store->ensure(key, step, capacity)->restore(newest_slot, std::move(values), latest);
        ++load.series;
    }
    return load;
}

} // namespace

std::filesystem::path snapshot_path(const std::filesystem::path& state_dir)
{
    return state_dir / "history.snapshot";
}

std::expected<std::size_t, std::string> write_snapshot(const HistoryStore& store,
                                                       const std::filesystem::path& state_dir)
{
    const std::filesystem::path final_path = snapshot_path(state_dir);
    const std::filesystem::path temp_path = state_dir / "history.snapshot.tmp";
    const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return std::unexpected(system_error("cannot create", temp_path));
    }
    const auto series = store.all();
    ChecksummedWriter out(fd, temp_path);
    out.put_bytes(kMagic, sizeof kMagic);
    out.put(kVersion);
    out.put(static_cast<std::uint64_t>(series.size()));
    for (const auto& entry : series) {
        const std::string& key = entry.first; // a plain reference: lambdas capture it portably
        entry.second->with_buffer([&](const SeriesBuffer& buffer) {
            out.put(static_cast<std::uint32_t>(key.size()));
            out.put_bytes(key.data(), key.size());
            out.put(buffer.step_seconds());
            out.put(buffer.capacity());
            out.put(buffer.empty() ? std::int64_t{0} : buffer.newest_slot());
            const auto& latest = buffer.latest();
            out.put(static_cast<std::uint8_t>(latest.has_value() ? 1 : 0));
            out.put(latest ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                 latest->time.time_since_epoch())
                                 .count()
                           : std::int64_t{0});
            out.put(latest ? latest->value : 0.0);
            out.put(static_cast<std::uint8_t>(buffer.empty() ? 0 : 1));
            out.put_bytes(buffer.values().data(), buffer.values().size() * sizeof(float));
        });
    }
    auto written = out.finish();
    const bool synced = written && ::fsync(fd) == 0;
    const std::string sync_error = synced ? "" : system_error("cannot fsync", temp_path);
    ::close(fd);
    if (!written || !synced) {
        std::filesystem::remove(temp_path);
        return std::unexpected(written ? sync_error : written.error());
    }
    if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
        const std::string error = system_error("cannot rename onto", final_path);
        std::filesystem::remove(temp_path);
        return std::unexpected(error);
    }
    const int dir = ::open(state_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return *written;
}

std::expected<SnapshotLoad, std::string> load_snapshot(HistoryStore& store,
                                                       const std::filesystem::path& state_dir)
{
    const std::filesystem::path path = snapshot_path(state_dir);
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        if (!std::filesystem::exists(path)) {
            return SnapshotLoad{};
        }
        return std::unexpected("snapshot " + path.string() + ": " + ec.message());
    }
    std::ifstream in(path, std::ios::binary);
    auto load = read_snapshot(in, size, store);
    if (!load) {
        return std::unexpected("snapshot " + path.string() + " ignored: " + load.error());
    }
    return load;
}

std::expected<SnapshotLoad, std::string> read_snapshot(std::istream& in, std::uintmax_t size,
                                                       HistoryStore& store)
{
    Reader reader(in, size);
    char magic[sizeof kMagic] = {};
    std::uint32_t version = 0;
    if (!reader.get_bytes(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0) {
        return std::unexpected("not an ihpa history snapshot");
    }
    if (!reader.get(version) || version != kVersion) {
        return std::unexpected("format version " + std::to_string(version) +
                               ", this build reads version " + std::to_string(kVersion));
    }
    if (auto verified = verify_checksum(in, size, static_cast<std::streamoff>(size - reader.left()));
        !verified) {
        return std::unexpected(verified.error());
    }
    // Two passes over the series: the first checks every one (skipping the values), so a
    // snapshot whose structure is wrong despite its checksum changes nothing either; the second
    // restores them, keeping one series in memory at a time.
    const std::streamoff series_start = static_cast<std::streamoff>(size - reader.left());
    if (auto checked = read_series(reader, nullptr); !checked) {
        return checked;
    }
    in.clear();
    in.seekg(series_start);
    Reader restoring(in, size - static_cast<std::uintmax_t>(series_start));
    return read_series(restoring, &store);
}

} // namespace ihpa::adapter
