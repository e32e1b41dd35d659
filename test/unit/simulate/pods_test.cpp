#include "simulate/pods.hpp"

#include <gtest/gtest.h>

namespace ihpa::simulate {
namespace {

TEST(PodSet, NewPodsBecomeReadyAfterTheStartupDelay)
{
    PodSet pods(2, 180);
    EXPECT_EQ(pods.ready(0), 2);
    pods.scale_to(5, 100);
    EXPECT_EQ(pods.count(), 5);
    EXPECT_EQ(pods.ready(279), 2);
    EXPECT_EQ(pods.ready(280), 5);
}

TEST(PodSet, ScaleDownRemovesNotReadyPodsFirstThenTheNewest)
{
    PodSet pods(2, 60);
    pods.scale_to(4, 0);   // ready at 60
    pods.scale_to(6, 100); // ready at 160
    EXPECT_EQ(pods.ready(120), 4);
    pods.scale_to(5, 120); // drops one not-ready pod
    EXPECT_EQ(pods.ready(120), 4);
    pods.scale_to(3, 120); // drops the other not-ready pod, then one ready pod
    EXPECT_EQ(pods.count(), 3);
    EXPECT_EQ(pods.ready(120), 3);
    EXPECT_EQ(pods.ready(10'000), 3);
}

} // namespace
} // namespace ihpa::simulate
