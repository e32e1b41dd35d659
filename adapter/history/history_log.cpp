#include "adapter/history/history_log.hpp"

#include "common/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <optional>
#include <string_view>

namespace ihpa::adapter {
namespace {

constexpr std::string_view kPrefix = "history.wal.";

/// The number of a file named `history.wal.<N>` (`aside`: also `history.wal.<N>.<anything>`).
std::optional<std::uint64_t> segment_number(const std::string& name, bool aside)
{
    if (name.rfind(kPrefix, 0) != 0) {
        return std::nullopt;
    }
    const char* first = name.data() + kPrefix.size();
    const char* last = name.data() + name.size();
    std::uint64_t number = 0;
    const auto [end, ec] = std::from_chars(first, last, number);
    if (ec != std::errc() || end == first || (end != last && !(aside && *end == '.'))) {
        return std::nullopt;
    }
    return number;
}

/// The numbers of every file of `state_dir` named after a segment, set aside ones with `aside`.
std::vector<std::uint64_t> numbers(const std::filesystem::path& state_dir, bool aside)
{
    std::vector<std::uint64_t> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(state_dir, ec)) {
        if (const auto number = segment_number(entry.path().filename().string(), aside)) {
            out.push_back(*number);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void sync_directory(const std::filesystem::path& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

void replay_records(const std::vector<std::vector<LoggedPoint>>& records, HistoryStore& store,
                    std::map<std::string, std::optional<Sample>>& before, LogReplay& replay)
{
    for (const auto& record : records) {
        ++replay.records;
        for (const LoggedPoint& point : record) {
            auto seen = before.find(point.key);
            if (seen == before.end()) {
                const auto existing = store.find(point.key);
                if (!existing) {
                    ++replay.created_series;
                }
                seen = before.emplace(point.key, existing ? existing->latest() : std::nullopt)
                           .first;
            }
            if (seen->second && point.sample.time <= seen->second->time) {
                ++replay.skipped;
                continue;
            }
            store.ensure(point.key, point.step_seconds, point.capacity)->record(point.sample);
            ++replay.points;
        }
    }
}

std::filesystem::path segment_path(const std::filesystem::path& state_dir, std::uint64_t number)
{
    return state_dir / (std::string(kPrefix) + std::to_string(number));
}

std::vector<std::uint64_t> list_segments(const std::filesystem::path& state_dir)
{
    return numbers(state_dir, false);
}

LogReplay replay_log(HistoryStore& store, const std::filesystem::path& state_dir)
{
    LogReplay replay;
    std::map<std::string, std::optional<Sample>> before;
    for (const std::uint64_t number : list_segments(state_dir)) {
        const std::filesystem::path path = segment_path(state_dir, number);
        const LogRead read = read_log(path);
        ++replay.segments;
        replay_records(read.records, store, before, replay);
        std::error_code ec;
        if (read.error) {
            const std::filesystem::path aside = path.string() + ".corrupt";
            std::filesystem::rename(path, aside, ec);
            replay.errors.push_back(*read.error + (ec ? "; cannot rename it aside: " + ec.message()
                                                      : "; renamed to " + aside.string()));
            ++replay.set_aside;
        } else if (read.warning) {
            if (read.records.empty()) {
                std::filesystem::remove(path, ec); // a segment torn before its first record
            } else {
                std::filesystem::resize_file(path, read.good_bytes, ec);
            }
            replay.warnings.push_back(*read.warning +
                                      (ec ? "; cannot cut it: " + ec.message() : ""));
            ++replay.torn;
        }
    }
    return replay;
}

HistoryLog::HistoryLog(std::filesystem::path state_dir, std::uint64_t number,
                       WriteAheadLog segment)
    : state_dir_(std::move(state_dir)), number_(number), segment_(std::move(segment))
{
}

std::expected<WriteAheadLog, std::string>
HistoryLog::create_segment(const std::filesystem::path& state_dir, std::uint64_t number)
{
    auto segment = WriteAheadLog::open(segment_path(state_dir, number));
    if (segment) {
        sync_directory(state_dir);
    }
    return segment;
}

std::expected<std::unique_ptr<HistoryLog>, std::string>
HistoryLog::open(const std::filesystem::path& state_dir)
{
    const auto taken = numbers(state_dir, true); // a number set aside is not reused
    const std::uint64_t number = taken.empty() ? 1 : taken.back() + 1;
    auto segment = create_segment(state_dir, number);
    if (!segment) {
        return std::unexpected(segment.error());
    }
    auto log = std::unique_ptr<HistoryLog>(new HistoryLog(state_dir, number, std::move(*segment)));
    log->stats_.segments = list_segments(state_dir).size();
    return log;
}

std::expected<void, std::string> HistoryLog::append(const std::vector<LoggedPoint>& points,
                                                    const std::function<void()>& store)
{
    const std::lock_guard lock(mutex_);
    const auto start = std::chrono::steady_clock::now();
    auto appended = segment_.append(points);
    stats_.append_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (appended) {
        ++stats_.appends;
        stats_.bytes += appended.value();
        if (failing_) {
            IHPA_LOG(info, "history") << "appending to " << segment_.path().string()
                                      << " works again";
        }
    } else {
        ++stats_.append_failures;
        if (!failing_) {
            IHPA_LOG(error, "history") << appended.error()
                                       << "; poll rounds are kept in memory until the next "
                                          "snapshot";
        }
    }
    failing_ = !appended;
    store();
    if (!appended) {
        return std::unexpected(appended.error());
    }
    return {};
}

std::expected<std::uint64_t, std::string> HistoryLog::rotate()
{
    const std::lock_guard lock(mutex_);
    auto next = create_segment(state_dir_, number_ + 1);
    if (!next) {
        return std::unexpected(next.error());
    }
    segment_ = std::move(*next);
    ++stats_.segments;
    return number_++;
}

void HistoryLog::remove_through(std::uint64_t number)
{
    for (const std::uint64_t old : list_segments(state_dir_)) {
        if (old > number) {
            break;
        }
        std::error_code ec;
        if (!std::filesystem::remove(segment_path(state_dir_, old), ec) || ec) {
            IHPA_LOG(error, "history") << "cannot delete " << segment_path(state_dir_, old).string()
                                       << ": " << (ec ? ec.message() : "not found");
            continue;
        }
        const std::lock_guard lock(mutex_);
        --stats_.segments;
    }
}

LogStats HistoryLog::stats() const
{
    const std::lock_guard lock(mutex_);
    return stats_;
}

} // namespace ihpa::adapter
