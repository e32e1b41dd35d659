// Scheduled floors: windows opened by cron firings, overlapping windows, the maximum in force.
#include "schedule/floor_schedule.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>

namespace ihpa::schedule {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

std::int64_t utc(date::year_month_day day, std::chrono::seconds time_of_day = 0s)
{
    return (date::sys_days{day} + time_of_day).time_since_epoch().count();
}

ScheduledFloor floor_of(std::string_view expression, std::chrono::seconds duration,
                        std::int32_t replicas, std::string_view zone = "")
{
    return ScheduledFloor{CronSchedule::parse(expression, zone).value(), duration.count(), replicas};
}

TEST(FloorSchedule, AWindowOpensAtTheFiringAndClosesAfterItsDuration)
{
    const auto sale = floor_of("0 9 * * *", 2h, 10);
    EXPECT_FALSE(open_window(sale, utc(2026_y / 12 / 4, 8h + 59min + 59s)));
    const auto open = open_window(sale, utc(2026_y / 12 / 4, 9h));
    ASSERT_TRUE(open);
    EXPECT_EQ(open->min_replicas, 10);
    EXPECT_EQ(open->opened_at, utc(2026_y / 12 / 4, 9h));
    EXPECT_EQ(open->closes_at, utc(2026_y / 12 / 4, 11h));
    EXPECT_TRUE(open_window(sale, utc(2026_y / 12 / 4, 10h + 59min + 59s)));
    EXPECT_FALSE(open_window(sale, utc(2026_y / 12 / 4, 11h))) << "the end is excluded";
}

TEST(FloorSchedule, OverlappingWindowsTakeTheMaximum)
{
    const std::vector<ScheduledFloor> floors{
        floor_of("0 8 * * *", 10h, 4),             // business hours
        floor_of("0 12 4 12 *", 1h, 20),           // a sale on 4 December at noon
        floor_of("0 13 * * *", 1h, 4, "Europe/Paris"), // 12:00 UTC in winter
    };
    EXPECT_FALSE(active_floor(floors, utc(2026_y / 12 / 4, 7h)));
    const auto morning = active_floor(floors, utc(2026_y / 12 / 4, 9h));
    ASSERT_TRUE(morning);
    EXPECT_EQ(morning->min_replicas, 4);
    EXPECT_EQ(morning->index, 0U);
    const auto sale = active_floor(floors, utc(2026_y / 12 / 4, 12h + 30min));
    ASSERT_TRUE(sale);
    EXPECT_EQ(sale->min_replicas, 20);
    EXPECT_EQ(sale->index, 1U);
    EXPECT_EQ(sale->closes_at, utc(2026_y / 12 / 4, 13h));
    const auto next_day = active_floor(floors, utc(2026_y / 12 / 5, 12h + 30min));
    ASSERT_TRUE(next_day);
    EXPECT_EQ(next_day->min_replicas, 4);
    EXPECT_EQ(next_day->index, 0U) << "the first of equal floors";
}

TEST(FloorSchedule, AWindowLongerThanItsPeriodStaysOpen)
{
    const auto always = floor_of("0 * * * *", 90min, 3);
    for (int minute = 0; minute < 180; minute += 7) {
        EXPECT_TRUE(open_window(always, utc(2026_y / 12 / 4, std::chrono::minutes(minute))))
            << minute;
    }
}

} // namespace
} // namespace ihpa::schedule
