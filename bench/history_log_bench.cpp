// The cost of the history log per poll round (docs/benchmarks.md, "History log"): one poller
// with 10,000 targets, each round polls every target once and stores the 10,000 points, without
// a log and with one (one record per round: encode, write, fdatasync, under the log's lock).
// The log goes to a temporary directory under $TMPDIR (default /tmp), so run it with TMPDIR on
// the disk a state directory would use.
#include "adapter/history/history_log.hpp"
#include "adapter/history/poller.hpp"
#include "test/fakes/fake_source.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace ihpa {
namespace {

using namespace std::chrono_literals;

constexpr int kSeries = 10'000;
const auto kStart = adapter::from_unix_seconds(1'800'000'000);

void poll_round(benchmark::State& state)
{
    const bool logged = state.range(0) != 0;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("ihpa-history-log-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::shared_ptr<adapter::HistoryLog> log;
    if (logged) {
        auto opened = adapter::HistoryLog::open(dir);
        if (!opened) {
            throw std::runtime_error(opened.error());
        }
        log = std::move(*opened);
    }
    auto source = std::make_shared<test::FakeSource>();
    source->set_keeps_history(false);
    adapter::HistoryStore store;
    adapter::Poller poller("bench", source, 60s, 1, log);
    for (int i = 0; i < kSeries; ++i) {
        const std::string query = "sum(rate(http_requests_total{service=\"s" + std::to_string(i) +
                                  "\"}[2m]))";
        source->set(query, [i](auto t) {
            return static_cast<double>((adapter::unix_seconds(t) / 60 + i) % 1000);
        });
        const std::string key = adapter::series_key("bench", query, 60) + "\x1f" "60";
        poller.set_target(key, query, store.ensure(key, 60, 60));
    }
    auto now = kStart;
    for (auto _ : state) {
        poller.run_once(now);
        now += 60s;
    }
    if (log) {
        const adapter::LogStats stats = log->stats();
        state.counters["record_bytes"] =
            static_cast<double>(stats.bytes) / static_cast<double>(stats.appends);
        state.counters["append_ms"] =
            1e3 * stats.append_seconds / static_cast<double>(stats.appends);
    }
    log.reset();
    std::filesystem::remove_all(dir);
}

// Arg 0: no log (no --state-dir); 1: with the log. 200 rounds of about 0.7 MB each.
BENCHMARK(poll_round)->ArgName("log")->Arg(0)->Arg(1)->Iterations(200)->Repetitions(3)
    ->Unit(benchmark::kMillisecond);

} // namespace
} // namespace ihpa

BENCHMARK_MAIN();
