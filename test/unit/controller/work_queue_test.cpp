// The work queue: one entry per key, never two workers on a key, delays and per-key retries.
#include "controller/work_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace ihpa::controller {
namespace {

using namespace std::chrono_literals;

struct QueueFixture : ::testing::Test {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
    WorkQueue queue{{1000ms, 8000ms}, [this] { return now; }};
};

TEST_F(QueueFixture, HoldsAKeyOnceHoweverOftenItIsAdded)
{
    queue.add("a/x");
    queue.add("a/y");
    queue.add("a/x");
    EXPECT_EQ(queue.depth(), 2U);
    EXPECT_EQ(queue.try_get(), "a/x");
    EXPECT_EQ(queue.try_get(), "a/y");
    EXPECT_EQ(queue.try_get(), std::nullopt);
}

TEST_F(QueueFixture, NeverHandsOutAKeyBeingProcessedAndRequeuesItWhenDone)
{
    queue.add("a/x");
    ASSERT_EQ(queue.try_get(), "a/x");
    queue.add("a/x"); // changed while a worker reconciles it
    EXPECT_EQ(queue.try_get(), std::nullopt);
    queue.done("a/x");
    EXPECT_EQ(queue.try_get(), "a/x");
    queue.done("a/x");
    EXPECT_EQ(queue.try_get(), std::nullopt);
}

TEST_F(QueueFixture, DelayedKeysBecomeReadyWhenTheirTimeComes)
{
    queue.add_after("a/x", 5s);
    queue.add_after("a/x", 2s); // the earlier one wins
    EXPECT_EQ(queue.try_get(), std::nullopt);
    EXPECT_EQ(queue.depth(), 1U);
    EXPECT_EQ(queue.next_due(), now + 2s);
    now += 1999ms;
    EXPECT_EQ(queue.try_get(), std::nullopt);
    now += 1ms;
    EXPECT_EQ(queue.try_get(), "a/x");
    EXPECT_EQ(queue.next_due(), std::nullopt);
}

TEST_F(QueueFixture, AnAddNowOvertakesADelayedAdd)
{
    queue.add_after("a/x", 30s);
    queue.add("a/x");
    EXPECT_EQ(queue.try_get(), "a/x");
    queue.done("a/x");
    now += 30s;
    EXPECT_EQ(queue.try_get(), std::nullopt);
}

TEST_F(QueueFixture, RetriesWaitLongerEachTimeUpToTheMaximumUntilForgotten)
{
    std::vector<std::chrono::milliseconds> delays;
    for (int i = 0; i < 6; ++i) {
        const auto before = now;
        queue.retry("a/x");
        delays.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(*queue.next_due() - before));
        now = *queue.next_due();
        ASSERT_EQ(queue.try_get(), "a/x");
        queue.done("a/x");
    }
    EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{1000ms, 2000ms, 4000ms, 8000ms, 8000ms, 8000ms}));
    EXPECT_EQ(queue.retries("a/x"), 6);
    queue.forget("a/x");
    EXPECT_EQ(queue.retries("a/x"), 0);
    const auto before = now;
    queue.retry("a/x");
    EXPECT_EQ(*queue.next_due() - before, 1000ms);
}

TEST_F(QueueFixture, AKeyDelayedWhileProcessedIsHandedOutOnlyAfterDone)
{
    queue.add("a/x");
    ASSERT_EQ(queue.try_get(), "a/x");
    queue.retry("a/x");
    now += 1s;
    EXPECT_EQ(queue.try_get(), std::nullopt);
    queue.done("a/x");
    EXPECT_EQ(queue.try_get(), "a/x");
}

TEST_F(QueueFixture, ShutDownWakesAWaitingWorker)
{
    std::optional<std::string> got = "not yet";
    std::thread worker([&] { got = queue.get(); });
    queue.shut_down();
    worker.join();
    EXPECT_EQ(got, std::nullopt);
    queue.add("a/x");
    EXPECT_EQ(queue.try_get(), std::nullopt);
}

TEST_F(QueueFixture, AWaitingWorkerGetsAKeyAddedLater)
{
    std::optional<std::string> got;
    std::thread worker([&] { got = queue.get(); });
    queue.add("a/x");
    worker.join();
    EXPECT_EQ(got, "a/x");
}

} // namespace
} // namespace ihpa::controller
