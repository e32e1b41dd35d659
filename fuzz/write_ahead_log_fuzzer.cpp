// Write-ahead log segments (`<state-dir>/history.wal.<n>`): the image is parsed as given and
// again with every record's CRC-32 made to match (so the fuzzer reaches the payloads), then the
// good records are replayed into a store as start-up does.
#include "adapter/history/history_log.hpp"
#include "adapter/history/history_store.hpp"
#include "adapter/history/write_ahead_log.hpp"
#include "fuzz/fuzz_support.hpp"

#include <boost/crc.hpp>

#include <cstring>
#include <string>

namespace {

using namespace ihpa;

constexpr std::size_t kHeaderBytes = 12;      // magic and version
constexpr std::size_t kRecordHeaderBytes = 8; // payload length and CRC-32
constexpr std::int64_t kMaxReplayedCapacity = 1 << 16;

void replay(std::string_view image)
{
    const adapter::LogRead read = adapter::parse_log(image, "fuzz.wal");
    fuzz::require(read.good_bytes <= image.size(), "the good part lies inside the image");
    for (const auto& record : read.records) {
        for (const auto& point : record) {
            if (point.capacity > kMaxReplayedCapacity) {
                return; // allocating a ring of millions of slots costs time, not coverage
            }
        }
    }
    adapter::HistoryStore store;
    std::map<std::string, std::optional<adapter::Sample>> before;
    adapter::LogReplay counts;
    adapter::replay_records(read.records, store, before, counts);
    for (const auto& [key, series] : store.all()) {
        (void)series->series();
    }
}

/// `image` with each whole record's checksum replaced by its payload's.
std::string with_matching_checksums(std::string image)
{
    std::size_t offset = kHeaderBytes;
    while (offset + kRecordHeaderBytes <= image.size()) {
        std::uint32_t length = 0;
        std::memcpy(&length, image.data() + offset, sizeof length);
        if (length > image.size() - offset - kRecordHeaderBytes) {
            break;
        }
        boost::crc_32_type crc;
        crc.process_bytes(image.data() + offset + kRecordHeaderBytes, length);
        const std::uint32_t checksum = crc.checksum();
        std::memcpy(image.data() + offset + sizeof length, &checksum, sizeof checksum);
        offset += kRecordHeaderBytes + length;
    }
    return image;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzz::as_text(data, size);
    replay(input);
    replay(with_matching_checksums(std::string(input)));
    return 0;
}
