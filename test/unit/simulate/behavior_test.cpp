#include "simulate/behavior.hpp"

#include <gtest/gtest.h>

namespace ihpa::simulate {
namespace {

TEST(ParseBehavior, FillsOmittedPartsWithTheApiServerDefaults)
{
    const auto behavior = parse_behavior("scaleDown:\n  stabilizationWindowSeconds: 60\n");
    ASSERT_TRUE(behavior) << behavior.error().message;
    EXPECT_EQ(behavior->scale_down.stabilization_window_seconds, 60);
    ASSERT_EQ(behavior->scale_down.policies.size(), 1U);
    EXPECT_EQ(behavior->scale_down.policies[0].type, PolicyType::Percent);
    EXPECT_EQ(behavior->scale_down.policies[0].value, 100);
    EXPECT_EQ(behavior->scale_up.stabilization_window_seconds, 0);
    ASSERT_EQ(behavior->scale_up.policies.size(), 2U);
    EXPECT_EQ(behavior->scale_up.policies[0].value, 4);
    EXPECT_DOUBLE_EQ(behavior->scale_up.tolerance, 0.1);
}

TEST(ParseBehavior, AcceptsJsonAndTheWrappedForm)
{
    const auto behavior = parse_behavior(
        R"({"behavior": {"scaleUp": {"selectPolicy": "Min", "tolerance": 0.05,
            "policies": [{"type": "Pods", "value": 2, "periodSeconds": 60}]}}})");
    ASSERT_TRUE(behavior) << behavior.error().message;
    EXPECT_EQ(behavior->scale_up.select_policy, SelectPolicy::Min);
    EXPECT_DOUBLE_EQ(behavior->scale_up.tolerance, 0.05);
    ASSERT_EQ(behavior->scale_up.policies.size(), 1U);
    EXPECT_EQ(behavior->scale_up.policies[0].period_seconds, 60);
    EXPECT_EQ(behavior->scale_down.stabilization_window_seconds, 300);
}

TEST(ParseBehavior, RejectsWhatTheApiServerWouldRejectNamingTheField)
{
    EXPECT_EQ(parse_behavior("scaleUp: {stabilizationWindowSeconds: 4000}").error().message,
              "behavior: scaleUp.stabilizationWindowSeconds: must be in [0, 3600]");
    EXPECT_EQ(parse_behavior("scaleDown: {selectPolicy: Sometimes}").error().message,
              "behavior: scaleDown.selectPolicy: must be Max, Min or Disabled, not \"Sometimes\"");
    EXPECT_EQ(parse_behavior("scaleUp: {policies: [{type: Pods, value: 0, periodSeconds: 15}]}")
                  .error()
                  .message,
              "behavior: scaleUp.policies[0].value: must be in [1, 1000000]");
    EXPECT_EQ(parse_behavior("scaleUp: {policies: [{type: Pods, value: 1}]}").error().message,
              "behavior: scaleUp.policies[0]: type, value and periodSeconds are required");
    EXPECT_EQ(parse_behavior("scaleSideways: {}").error().message,
              "behavior: (block): unknown field \"scaleSideways\"");
    EXPECT_NE(parse_behavior("scaleUp: [").error().message.find("not valid YAML/JSON"),
              std::string::npos);
}

} // namespace
} // namespace ihpa::simulate
