// Lease leader election and event recording against the fake kube-apiserver, injected clock.
#include "kube/event_recorder.hpp"
#include "kube/leader_elector.hpp"

#include "test/unit/kube/fake_cluster.hpp"

#include <gtest/gtest.h>

namespace ihpa::kube {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::system_clock::time_point;
const std::string kLeases = "/apis/coordination.k8s.io/v1/leases";

struct Elect {
    FakeCluster cluster;
    TimePoint now = TimePoint(std::chrono::seconds(1'800'000'000));
    LeaderElector make(const std::string& identity)
    {
        return LeaderElector(*cluster.client, {.ns = "kube-system", .name = "ihpa", .identity = identity},
                             [this] { return now; });
    }
    Json spec() const { return cluster.server.object(kLeases, "kube-system", "ihpa")["spec"]; }
};

TEST(MicroTime, FormatsUtcWithMicroseconds)
{
    EXPECT_EQ(format_micro_time(TimePoint(std::chrono::microseconds(1'767'323'045'000'006))),
              "2026-01-02T03:04:05.000006Z");
}

TEST(LeaderElector, AcquiresAFreeLeaseAndRenewsIt)
{
    Elect e;
    auto a = e.make("a");
    ASSERT_TRUE(a.step().value());
    EXPECT_TRUE(a.is_leader());
    EXPECT_EQ(e.spec()["holderIdentity"], "a");
    EXPECT_EQ(e.spec()["leaseDurationSeconds"], 15);
    EXPECT_EQ(e.spec()["leaseTransitions"], 0);
    const std::string acquired = e.spec()["acquireTime"];
    e.now += 2s;
    ASSERT_TRUE(a.step().value());
    EXPECT_EQ(e.spec()["acquireTime"], acquired);
    EXPECT_EQ(e.spec()["renewTime"], format_micro_time(e.now));
}

TEST(LeaderElector, AnotherCandidateWaitsUntilTheLeaseExpiresThenTakesOver)
{
    Elect e;
    auto a = e.make("a");
    auto b = e.make("b");
    ASSERT_TRUE(a.step().value());
    EXPECT_FALSE(b.step().value()); // b observes a's record now
    e.now += 10s;
    EXPECT_FALSE(b.step().value()); // not expired: 10 s < 15 s since b saw the record change
    e.now += 5s;                    // a crashed: no renewal for the lease duration
    ASSERT_TRUE(b.step().value());
    EXPECT_EQ(e.spec()["holderIdentity"], "b");
    EXPECT_EQ(e.spec()["leaseTransitions"], 1);
    EXPECT_EQ(e.spec()["acquireTime"], format_micro_time(e.now));
    // a comes back: it sees b's fresh record and steps down.
    EXPECT_FALSE(a.step().value());
    EXPECT_FALSE(a.is_leader());
}

TEST(LeaderElector, ARenewingLeaderKeepsTheLease)
{
    Elect e;
    auto a = e.make("a");
    auto b = e.make("b");
    ASSERT_TRUE(a.step().value());
    for (int i = 0; i < 20; ++i) {
        e.now += 2s;
        ASSERT_TRUE(a.step().value());
        ASSERT_FALSE(b.step().value());
    }
    EXPECT_EQ(e.spec()["leaseTransitions"], 0);
}

TEST(LeaderElector, ReleaseHandsTheLeaseOverAtOnce)
{
    Elect e;
    auto a = e.make("a");
    auto b = e.make("b");
    ASSERT_TRUE(a.step().value());
    EXPECT_FALSE(b.step().value());
    ASSERT_TRUE(a.release());
    EXPECT_FALSE(a.is_leader());
    EXPECT_EQ(e.spec()["holderIdentity"], "");
    ASSERT_TRUE(b.step().value());
    EXPECT_EQ(e.spec()["holderIdentity"], "b");
}

TEST(LeaderElector, StepsDownWhenItCannotRenewWithinTheDeadline)
{
    Elect e;
    auto a = e.make("a");
    ASSERT_TRUE(a.step().value());
    e.cluster.server.fail_next(100, 503, "ServiceUnavailable");
    e.now += 5s;
    EXPECT_FALSE(a.step());
    EXPECT_TRUE(a.is_leader()); // within renew_deadline (10 s)
    e.now += 6s;
    EXPECT_FALSE(a.step());
    EXPECT_FALSE(a.is_leader());
}

TEST(LeaderElector, MeasuresExpiryFromItsOwnFirstObservation)
{
    Elect e;
    auto a = e.make("a");
    ASSERT_TRUE(a.step().value());
    auto late = e.make("late");
    e.now += 20s; // the record is already older than the lease duration by the clock ...
    EXPECT_FALSE(late.step().value()); // ... but a newcomer waits a full duration from now
    e.now += 14s;
    EXPECT_FALSE(late.step().value());
    e.now += 1s;
    EXPECT_TRUE(late.step().value());
    EXPECT_EQ(e.spec()["holderIdentity"], "late");
}

TEST(LeaderElector, RunReportsLeadershipAndReleasesAtTheEnd)
{
    Elect e;
    auto a = e.make("a");
    auto cancel = std::make_shared<net::CancelToken>();
    std::vector<std::string> calls;
    int sleeps = 0;
    a.run(
        cancel, [&] { calls.push_back("started"); }, [&] { calls.push_back("stopped"); },
        [&](std::chrono::milliseconds period) {
            EXPECT_EQ(period, 2s);
            e.now += period;
            if (++sleeps == 3) {
                cancel->cancel();
            }
        });
    EXPECT_EQ(calls, (std::vector<std::string>{"started", "stopped"}));
    EXPECT_EQ(e.spec()["holderIdentity"], "");
    EXPECT_EQ(e.spec()["renewTime"], format_micro_time(e.now));
}

TEST(EventRecorder, CreatesAnEventThenCountsIdenticalOnesInItsSeries)
{
    FakeCluster cluster;
    TimePoint now = TimePoint(std::chrono::seconds(1'800'000'000));
    EventRecorder recorder(*cluster.client, "ihpa.example.com/controller", "ihpa-0", [&] { return now; });
    const ObjectReference hpa{"autoscaling/v2", "HorizontalPodAutoscaler", "a", "web", "u1"};
    const EventInfo scaled{"Normal", "ScaledUp", "Scale", "from 2 to 4 replicas"};
    const auto first = recorder.record(hpa, scaled);
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_EQ((*first)["reportingController"], "ihpa.example.com/controller");
    EXPECT_EQ((*first)["regarding"]["uid"], "u1");
    EXPECT_EQ((*first)["eventTime"], format_micro_time(now));
    const std::string name = (*first)["metadata"]["name"];
    EXPECT_EQ(name.rfind("web.", 0), 0U);

    now += 30s;
    const auto second = recorder.record(hpa, scaled);
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_EQ((*second)["metadata"]["name"], name);
    EXPECT_EQ((*second)["series"]["count"], 2);
    EXPECT_EQ((*second)["series"]["lastObservedTime"], format_micro_time(now));

    const auto other = recorder.record(hpa, {"Warning", "FailedScale", "Scale", "no metrics"});
    ASSERT_TRUE(other);
    EXPECT_NE((*other)["metadata"]["name"], name);
    EXPECT_EQ(cluster.server.requests().back().path, "/apis/events.k8s.io/v1/namespaces/a/events");
}

} // namespace
} // namespace ihpa::kube
