// The TTL cache: expiry by the injected clock and bounded size.
#include "auth/ttl_cache.hpp"

#include "test/unit/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

namespace ihpa::auth {
namespace {

using namespace std::chrono_literals;

TEST(TtlCache, ExpiresEachEntryAfterItsTtl)
{
    ManualClock time;
    TtlCache<int> cache(10, time.clock());
    cache.put("a", 1, 2s);
    cache.put("b", 2, 5s);
    time.advance(2s);
    EXPECT_FALSE(cache.get("a").has_value());
    EXPECT_EQ(cache.get("b"), 2);
    cache.put("b", 3, 0s); // a zero TTL forgets
    EXPECT_FALSE(cache.get("b").has_value());
}

TEST(TtlCache, DropsExpiredEntriesThenTheLeastRecentlyUsedWhenFull)
{
    ManualClock time;
    TtlCache<int> cache(2, time.clock());
    cache.put("a", 1, 10s);
    cache.put("b", 2, 10s);
    EXPECT_EQ(cache.get("a"), 1); // "b" is now the least recently used
    cache.put("c", 3, 10s);
    EXPECT_EQ(cache.size(), 2U);
    EXPECT_FALSE(cache.get("b").has_value());
    EXPECT_EQ(cache.get("a"), 1);
    cache.put("short", 4, 1s); // evicts "c" (least recent) to make room
    time.advance(1s);
    cache.put("d", 5, 10s); // "short" has expired: it goes, "a" stays
    EXPECT_EQ(cache.get("a"), 1);
    EXPECT_EQ(cache.get("d"), 5);
}

} // namespace
} // namespace ihpa::auth
