// Scheduled floors of an IHPA: parsing `spec.schedules`, the HPA's minReplicas while a window
// is open, `status.schedule`, the events, and when the controller must look again.
#include "controller/ihpa.hpp"
#include "controller/reconciler.hpp"
#include "test/unit/controller/ihpa_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ihpa::controller::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

/// The fixture's IHPA (2..10 replicas) with `schedules` as its `spec.schedules`.
json with_schedules(const json& schedules)
{
    return ihpa_object(json::array({external_metric("http_requests", "AverageValue", "100")}),
                       {{"schedules", schedules}});
}

bool has_event(const ReconcileResult& result, const std::string& reason)
{
    return std::any_of(result.events.begin(), result.events.end(),
                       [&](const Event& e) { return e.reason == reason; });
}

// The fixture's clock: Wednesday 2026-12-02 12:00 UTC.
const json kLunchRush = {{"name", "lunch"}, {"schedule", "0 11 * * 3"}, {"duration", "2h"},
                         {"minReplicas", 6}};

TEST(Schedules, AnOpenWindowRaisesTheHpasMinReplicasAndIsReported)
{
    const ReconcileResult result = reconcile(input_for(with_schedules(json::array({kLunchRush}))));
    EXPECT_EQ(result.action, HpaAction::Create);
    EXPECT_EQ(result.hpa["spec"]["minReplicas"], 6);
    EXPECT_EQ(result.hpa["spec"]["maxReplicas"], 10);
    ASSERT_TRUE(result.status);
    EXPECT_EQ((*result.status)["schedule"],
              json({{"name", "lunch"}, {"minReplicas", 6}, {"since", "2026-12-02T11:00:00Z"},
                    {"until", "2026-12-02T13:00:00Z"}}));
    EXPECT_TRUE(has_event(result, "ScheduleStarted"));
    ASSERT_TRUE(result.next_schedule_change);
    EXPECT_EQ(*result.next_schedule_change - input_for(json::object()).now, 1h)
        << "the window closes at 13:00";
}

TEST(Schedules, TheNextRoundKeepsItQuietlyAndTheCloseRestoresTheTemplate)
{
    ReconcileInput input = input_for(with_schedules(json::array({kLunchRush})));
    const ReconcileResult first = reconcile(input);
    input.ihpa["status"] = *first.status;
    input.hpa = stored(first.hpa);
    const ReconcileResult again = reconcile(input);
    EXPECT_EQ(again.action, HpaAction::None);
    EXPECT_FALSE(has_event(again, "ScheduleStarted"));

    input.ihpa["status"] = *again.status;
    input.now += 1h; // 13:00: the window is closed
    const ReconcileResult closed = reconcile(input);
    EXPECT_EQ(closed.action, HpaAction::Update);
    EXPECT_EQ(closed.hpa["spec"]["minReplicas"], 2);
    EXPECT_FALSE(closed.status->contains("schedule"));
    EXPECT_TRUE(has_event(closed, "ScheduleEnded"));
    ASSERT_TRUE(closed.next_schedule_change);
    EXPECT_EQ(*closed.next_schedule_change - input.now, 24h * 7 - 2h) << "next Wednesday 11:00";
}

TEST(Schedules, OverlappingWindowsTakeTheLargestAndAFloorBelowTheTemplateChangesNothing)
{
    const json schedules = json::array(
        {kLunchRush,
         {{"name", "sale"}, {"schedule", "30 11 2 12 *"}, {"duration", "1h"}, {"minReplicas", 9}},
         {{"name", "night"}, {"schedule", "0 * * * *"}, {"duration", "90m"}, {"minReplicas", 1}}});
    const ReconcileResult result = reconcile(input_for(with_schedules(schedules)));
    EXPECT_EQ(result.hpa["spec"]["minReplicas"], 9);
    EXPECT_EQ((*result.status)["schedule"]["name"], "sale");

    const json low = json::array({schedules[2]});
    const ReconcileResult below = reconcile(input_for(with_schedules(low)));
    EXPECT_EQ(below.hpa["spec"]["minReplicas"], 2) << "the template's 2 is already higher";
}

TEST(Schedules, EveryProblemIsReportedWithItsPath)
{
    const json schedules = json::array({
        {{"name", "a"}, {"schedule", "61 * * * *"}, {"duration", "1h"}, {"minReplicas", 3}},
        {{"name", "a"}, {"schedule", "0 9 * * *"}, {"timeZone", "Mars/Base"}, {"duration", "1h"},
         {"minReplicas", 3}},
        {{"name", "c"}, {"schedule", "0 9 * * *"}, {"duration", "forever"}, {"minReplicas", 3}},
        {{"name", "d"}, {"schedule", "0 9 * * *"}, {"duration", "32d"}, {"minReplicas", 3}},
        {{"name", "e"}, {"schedule", "0 9 * * *"}, {"duration", "1h"}, {"minReplicas", 11}},
        {{"name", "f"}, {"schedule", "0 9 * * *"}, {"duration", "1h"}},
    });
    const auto parsed = parse_ihpa(with_schedules(schedules));
    ASSERT_FALSE(parsed);
    const std::vector<std::string> expected = {
        "spec.schedules[0].schedule: minute: 61 is out of range 0-59",
        "spec.schedules[1].name: \"a\" is also the name of an earlier schedule; names must be "
        "unique",
        "spec.schedules[1].timeZone: unknown time zone \"Mars/Base\" (an IANA name such as "
        "Europe/Paris or UTC)",
        "spec.schedules[2].duration: \"forever\": expected a number at position 1",
        "spec.schedules[3].duration: 32d is outside 1m..31d",
        "spec.schedules[4].minReplicas: 11 exceeds the template's maxReplicas (10)",
        "spec.schedules[5].minReplicas: required",
    };
    for (const std::string& problem : expected) {
        EXPECT_NE(std::find(parsed.error().begin(), parsed.error().end(), problem),
                  parsed.error().end())
            << problem << "\nall:\n"
            << json(parsed.error()).dump(1);
    }
}

} // namespace
} // namespace ihpa::controller::test
