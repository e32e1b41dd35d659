// History snapshots (`<state-dir>/history.snapshot`): the image is read as given (mostly a
// checksum mismatch) and again with its trailing CRC-32 made to match, so the fuzzer reaches the
// structure behind the checksum. The restored series must then take a new sample and be read.
#include "adapter/history/history_store.hpp"
#include "adapter/history/snapshot.hpp"
#include "fuzz/fuzz_support.hpp"

#include <boost/crc.hpp>

#include <spanstream>
#include <string>

namespace {

using namespace ihpa;

void load(std::string_view image)
{
    adapter::HistoryStore store;
    std::ispanstream in(std::span<const char>(image.data(), image.size()));
    if (!adapter::read_snapshot(in, image.size(), store)) {
        fuzz::require(store.size() == 0, "a rejected snapshot restores nothing");
        return;
    }
    const adapter::Sample sample{std::chrono::system_clock::from_time_t(1'700'000'000), 1.0};
    for (const auto& [key, series] : store.all()) {
        series->record(sample);
        (void)series->series();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzz::as_text(data, size);
    load(input);
    boost::crc_32_type crc;
    crc.process_bytes(input.data(), input.size());
    const std::uint32_t checksum = crc.checksum();
    std::string image(input);
    image.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
    load(image);
    return 0;
}
