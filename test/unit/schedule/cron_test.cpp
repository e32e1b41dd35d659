// Cron expressions in time zones: the syntax CronJobs accept, daylight-saving changes, errors.
#include "schedule/cron.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>

namespace ihpa::schedule {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

/// Unix seconds of a UTC calendar time.
std::int64_t utc(date::year_month_day day, std::chrono::seconds time_of_day = 0s)
{
    return (date::sys_days{day} + time_of_day).time_since_epoch().count();
}

CronSchedule cron(std::string_view expression, std::string_view zone = "")
{
    auto parsed = CronSchedule::parse(expression, zone);
    EXPECT_TRUE(parsed) << expression << ": " << parsed.error();
    return *parsed;
}

TEST(Cron, WeekdayMorningsInUtc)
{
    const auto schedule = cron("30 9 * * 1-5");
    // Friday 2026-12-04 10:00: the next one is Monday 09:30.
    EXPECT_EQ(schedule.next_after(utc(2026_y / 12 / 4, 10h)), utc(2026_y / 12 / 7, 9h + 30min));
    // Strictly after: from 09:30 itself, the next day's.
    EXPECT_EQ(schedule.next_after(utc(2026_y / 12 / 7, 9h + 30min)), utc(2026_y / 12 / 8, 9h + 30min));
    EXPECT_EQ(schedule.time_zone(), "UTC");
}

TEST(Cron, LocalTimeFollowsTheZonesOffsetThroughTheYear)
{
    const auto schedule = cron("0 9 * * *", "Europe/Paris");
    EXPECT_EQ(schedule.next_after(utc(2026_y / 12 / 4)), utc(2026_y / 12 / 4, 8h));   // UTC+1
    EXPECT_EQ(schedule.next_after(utc(2027_y / 7 / 1)), utc(2027_y / 7 / 1, 7h));     // UTC+2
    EXPECT_EQ(cron("0 9 * * *", "America/New_York").next_after(utc(2026_y / 12 / 4)),
              utc(2026_y / 12 / 4, 14h)); // UTC-5
}

TEST(Cron, ALocalTimeTheClockSkipsFiresAtTheJumpOnce)
{
    // Paris, 2027-03-28: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; 02:30 does not exist.
    const auto schedule = cron("30 2 * * *", "Europe/Paris");
    EXPECT_EQ(schedule.next_after(utc(2027_y / 3 / 27, 12h)), utc(2027_y / 3 / 28, 1h));
    EXPECT_EQ(schedule.next_after(utc(2027_y / 3 / 28, 1h)), utc(2027_y / 3 / 29, 30min));
    // Every minute of the skipped hour maps to the same instant: it fires once there.
    const auto each_minute = cron("* 2 28 3 *", "Europe/Paris");
    EXPECT_EQ(each_minute.next_after(utc(2027_y / 3 / 28)), utc(2027_y / 3 / 28, 1h));
    // A year on, 28 March is two days into summer time: 02:00 CEST exists, 00:00 UTC.
    EXPECT_EQ(each_minute.next_after(utc(2027_y / 3 / 28, 1h)), utc(2028_y / 3 / 28));
}

TEST(Cron, ALocalTimeThatHappensTwiceFiresAtItsFirstOccurrence)
{
    // Paris, 2026-10-25: 03:00 CEST goes back to 02:00 CET at 01:00 UTC; 02:30 happens twice.
    const auto schedule = cron("30 2 * * *", "Europe/Paris");
    EXPECT_EQ(schedule.next_after(utc(2026_y / 10 / 24, 12h)), utc(2026_y / 10 / 25, 30min));
    EXPECT_EQ(schedule.next_after(utc(2026_y / 10 / 25, 30min)), utc(2026_y / 10 / 26, 1h + 30min));
}

TEST(Cron, BothDayFieldsRestrictedMatchEitherDay)
{
    // The 13th, or any Friday (Vixie cron): after Wednesday 2026-11-11, Friday the 13th itself,
    // then Friday the 20th, then... the 13th of December is a Sunday.
    const auto schedule = cron("0 0 13 * 5");
    EXPECT_EQ(schedule.next_after(utc(2026_y / 11 / 11)), utc(2026_y / 11 / 13));
    EXPECT_EQ(schedule.next_after(utc(2026_y / 11 / 13)), utc(2026_y / 11 / 20));
    EXPECT_EQ(schedule.next_after(utc(2026_y / 12 / 12)), utc(2026_y / 12 / 13));
    // One day field restricted: both must match (a wildcard matches every day).
    EXPECT_EQ(cron("0 0 * * 5").next_after(utc(2026_y / 11 / 11)), utc(2026_y / 11 / 13));
}

TEST(Cron, NamesStepsListsAndMacros)
{
    // Sundays of January and February at noon; 7 is Sunday too.
    const auto named = cron("0 12 * JAN,feb sun");
    EXPECT_EQ(named.next_after(utc(2026_y / 12 / 4)), utc(2027_y / 1 / 3, 12h));
    EXPECT_EQ(cron("0 12 * 1,2 7").next_after(utc(2026_y / 12 / 4)), utc(2027_y / 1 / 3, 12h));
    // 5/15: minutes 5, 20, 35, 50.
    const auto stepped = cron("5/15 * * * *");
    EXPECT_EQ(stepped.next_after(utc(2026_y / 12 / 4, 50min)), utc(2026_y / 12 / 4, 1h + 5min));
    EXPECT_EQ(stepped.next_after(utc(2026_y / 12 / 4, 1h + 5min)), utc(2026_y / 12 / 4, 1h + 20min));
    EXPECT_EQ(cron("0 8-18/5 * * *").next_after(utc(2026_y / 12 / 4, 8h)), utc(2026_y / 12 / 4, 13h));
    EXPECT_EQ(cron("@hourly").next_after(utc(2026_y / 12 / 4, 10h + 1s)), utc(2026_y / 12 / 4, 11h));
    EXPECT_EQ(cron("@monthly").next_after(utc(2026_y / 12 / 4)), utc(2027_y / 1 / 1));
    EXPECT_EQ(cron("@weekly").next_after(utc(2026_y / 12 / 4)), utc(2026_y / 12 / 6));
    EXPECT_EQ(cron("  0   0 29 2 *  ").next_after(utc(2026_y / 12 / 4)), utc(2028_y / 2 / 29));
}

TEST(Cron, RejectsBadExpressionsNamingTheField)
{
    const auto error = [](std::string_view expression, std::string_view zone = "") {
        const auto parsed = CronSchedule::parse(expression, zone);
        return parsed ? std::string("accepted") : parsed.error();
    };
    EXPECT_EQ(error("61 * * * *"), "minute: 61 is out of range 0-59");
    EXPECT_EQ(error("0 24 * * *"), "hour: 24 is out of range 0-23");
    EXPECT_EQ(error("0 0 0 * *"), "day-of-month: 0 is out of range 1-31");
    EXPECT_EQ(error("0 0 * FOO *"), "month: unknown name \"FOO\"");
    EXPECT_EQ(error("0 0 * * 8"), "day-of-week: 8 is out of range 0-7");
    EXPECT_EQ(error("5-1 * * * *"), "minute: range \"5-1\" ends before it starts");
    EXPECT_EQ(error("*/0 * * * *"), "minute: step of \"*/0\": 0 is out of range 1-60");
    EXPECT_EQ(error("1,,2 * * * *"), "minute: a value is missing");
    EXPECT_EQ(error("x * * * *"), "minute: \"x\" is not a number");
    EXPECT_EQ(error("0 0 * *"),
              "\"0 0 * *\" has 4 fields; a schedule has five: minute hour day-of-month month "
              "day-of-week (or a macro such as @daily)");
    EXPECT_EQ(error("@every 5m"), "unknown macro \"@every 5m\" (@yearly, @annually, @monthly, "
                                  "@weekly, @daily, @midnight, @hourly)");
    EXPECT_EQ(error("@fortnightly"), "unknown macro \"@fortnightly\" (@yearly, @annually, "
                                     "@monthly, @weekly, @daily, @midnight, @hourly)");
    EXPECT_EQ(error("0 0 30 2 *"), "\"0 0 30 2 *\" never fires: no selected month has the "
                                   "selected days");
    EXPECT_EQ(error("0 0 * * *", "Mars/Olympus_Mons"),
              "unknown time zone \"Mars/Olympus_Mons\" (an IANA name such as Europe/Paris or UTC)");
    EXPECT_EQ(error("99999999999 * * * *"), "minute: \"99999999999\" is not a number");
}

} // namespace
} // namespace ihpa::schedule
