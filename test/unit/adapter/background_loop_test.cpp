#include "adapter/background_loop.hpp"

#include <gtest/gtest.h>

#include <future>
#include <sched.h>
#include <thread>

namespace ihpa::adapter {
namespace {

using namespace std::chrono_literals;

TEST(BackgroundLoop, StepsAndTheThreadsTheyStartRunUnderTheIdlePolicy)
{
    const SystemClock clock;
    std::promise<std::pair<int, int>> policies;
    auto observed = policies.get_future();
    bool first = true;
    BackgroundLoop loop(clock, [&](auto now) {
        if (first) {
            first = false;
            int child = -1;
            std::thread([&child] { child = ::sched_getscheduler(0); }).join();
            policies.set_value({::sched_getscheduler(0), child});
        }
        return now + 24h; // the destructor must end this wait at once
    });
    const auto [own, child] = observed.get();
    EXPECT_EQ(own, SCHED_IDLE);
    EXPECT_EQ(child, SCHED_IDLE);
    EXPECT_EQ(::sched_getscheduler(0), SCHED_OTHER); // the caller's thread is untouched
}

} // namespace
} // namespace ihpa::adapter
