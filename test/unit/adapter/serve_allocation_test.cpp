// Counts heap allocations on the request path. This binary replaces the global operator new
// (std::string, std::vector, std::shared_ptr, ...) and wraps the C allocation functions at link
// time (Eigen's vectors call malloc from our own objects): every allocation made by our code
// between two reads of the counter is counted.
#include "adapter/serving/forecast_state.hpp"
#include "model/registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> g_allocations{0};
} // namespace

extern "C" {
void* __real_malloc(std::size_t size);
void* __real_calloc(std::size_t count, std::size_t size);
void* __real_realloc(void* pointer, std::size_t size);
void* __real_aligned_alloc(std::size_t alignment, std::size_t size);
int __real_posix_memalign(void** pointer, std::size_t alignment, std::size_t size);

void* __wrap_malloc(std::size_t size)
{
    ++g_allocations;
    return __real_malloc(size);
}
void* __wrap_calloc(std::size_t count, std::size_t size)
{
    ++g_allocations;
    return __real_calloc(count, size);
}
void* __wrap_realloc(void* pointer, std::size_t size)
{
    ++g_allocations;
    return __real_realloc(pointer, size);
}
void* __wrap_aligned_alloc(std::size_t alignment, std::size_t size)
{
    ++g_allocations;
    return __real_aligned_alloc(alignment, size);
}
int __wrap_posix_memalign(void** pointer, std::size_t alignment, std::size_t size)
{
    ++g_allocations;
    return __real_posix_memalign(pointer, alignment, size);
}
}

void* operator new(std::size_t size)
{
    ++g_allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept
{
    ++g_allocations;
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept
{
    return ::operator new(size, tag);
}
// GCC cannot see that these deletes pair with the replacement news above (both malloc/free).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace ihpa::adapter {
namespace {

using namespace std::chrono_literals;

const auto kFitTime = from_unix_seconds(1'800'000'000);

/// A forecast on a day of 1-minute samples, fitted with Holt-Winters; served two minutes later.
struct FittedForecast {
    std::shared_ptr<StoredSeries> series = std::make_shared<StoredSeries>(60, 1440);
    std::unique_ptr<ForecastState> state;

    explicit FittedForecast(model::ShiftBand band)
    {
        ForecastConfig config;
        config.name = "load_forecast";
        config.settings.model = "holtWinters";
        config.settings.history = 86400s;
        config.settings.shift.band = band;
        const std::int64_t end = unix_seconds(kFitTime);
        for (std::int64_t t = end - 86400 + 60; t <= end + 120; t += 60) {
            series->record(Sample{from_unix_seconds(t), 50.0 + static_cast<double>(t / 60 % 37)});
        }
        state = std::make_unique<ForecastState>(config, series,
                                                std::move(model::make_forecaster("holtWinters").value()));
        EXPECT_TRUE(state->refit(kFitTime));
    }
};

/// Allocations made by `serve` at `now` over 100 calls, after one call to warm up.
long allocations_of_serve(const ForecastState& state, std::chrono::system_clock::time_point now)
{
    const auto first = state.serve(now);
    EXPECT_TRUE(first.has_value());
    EXPECT_EQ(first->state, ServingState::Forecast);
    const long before = g_allocations.load();
    for (int i = 0; i < 100; ++i) {
        const auto served = state.serve(now);
        EXPECT_TRUE(served.has_value());
    }
    return g_allocations.load() - before;
}

TEST(ServeAllocations, TheCounterSeesVectorsAndStrings)
{
    const long before = g_allocations.load();
    Eigen::VectorXd v(1000);
    v.setZero();
    const std::string text(100, 'x');
    EXPECT_GE(g_allocations.load() - before, 2) << v.sum() << text;
}

// The check of the method: band adjust copies the observations since the fit out of the series
// (an Eigen vector, allocated inside the adapter library), and the counter sees it.
TEST(ServeAllocations, TheCounterSeesAllocationsInsideTheLibraries)
{
    const FittedForecast forecast(model::ShiftBand::Adjust);
    EXPECT_GE(allocations_of_serve(*forecast.state, kFitTime + 120s), 100);
}

TEST(ServeAllocations, ServingAFittedForecastWithBandYhatOrUpperAllocatesNothing)
{
    for (const model::ShiftBand band : {model::ShiftBand::Yhat, model::ShiftBand::Upper}) {
        const FittedForecast forecast(band);
        EXPECT_EQ(allocations_of_serve(*forecast.state, kFitTime + 120s), 0)
            << "band " << static_cast<int>(band);
    }
}

TEST(ServeAllocations, TheFallbackStatesAllocateNothingEither)
{
    const FittedForecast forecast(model::ShiftBand::Upper);
    // Data older than maxStaleness (10 min): the latest value, state stale.
    const auto stale = forecast.state->serve(kFitTime + 120s + 11min);
    ASSERT_TRUE(stale.has_value());
    EXPECT_EQ(stale->state, ServingState::Stale);
    const long before = g_allocations.load();
    EXPECT_TRUE(forecast.state->serve(kFitTime + 120s + 11min).has_value());
    EXPECT_EQ(g_allocations.load() - before, 0);
}

} // namespace
} // namespace ihpa::adapter
