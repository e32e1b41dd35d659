// merge_conditions / changed_conditions: transition times move only with the status.
#include "controller/conditions.hpp"

#include <gtest/gtest.h>

namespace ihpa::controller {
namespace {

using nlohmann::json;

TEST(Conditions, KeepTheTransitionTimeWhileTheStatusHolds)
{
    const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1796212800));
    const auto t1 = t0 + std::chrono::minutes(7);
    const json first = merge_conditions(json(), {{"Ready", "True", "HpaReady", "ok"}}, t0, 1);
    EXPECT_EQ(first, json::array({{{"type", "Ready"}, {"status", "True"},
                                   {"observedGeneration", 1},
                                   {"lastTransitionTime", "2026-12-02T12:00:00Z"},
                                   {"reason", "HpaReady"}, {"message", "ok"}}}));
    const json same = merge_conditions(first, {{"Ready", "True", "Other", "still ok"}}, t1, 2);
    EXPECT_EQ(same[0]["lastTransitionTime"], "2026-12-02T12:00:00Z") << "only the status counts";
    EXPECT_EQ(same[0]["reason"], "Other");
    EXPECT_EQ(same[0]["observedGeneration"], 2);
    const json flipped = merge_conditions(same, {{"Ready", "False", "HpaNotOwned", "x"}}, t1, 2);
    EXPECT_EQ(flipped[0]["lastTransitionTime"], "2026-12-02T12:07:00Z");
}

TEST(Conditions, ChangesAreStatusOrReasonChanges)
{
    const json previous = json::array({{{"type", "Ready"}, {"status", "True"}, {"reason", "A"}},
                                       {{"type", "Degraded"}, {"status", "False"}, {"reason", "B"}}});
    const auto changed = changed_conditions(previous, {{"Ready", "True", "A", "new message"},
                                                       {"Degraded", "False", "C", ""},
                                                       {"ForecastReady", "True", "InUse", ""}});
    ASSERT_EQ(changed.size(), 2U);
    EXPECT_EQ(changed[0].type, "Degraded");
    EXPECT_EQ(changed[1].type, "ForecastReady");
}

} // namespace
} // namespace ihpa::controller
