#pragma once

#include <bitset>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace ihpa::schedule {

/// A five-field cron expression evaluated in an IANA time zone, as Kubernetes CronJobs write
/// them (`minute hour day-of-month month day-of-week`, with `spec.timeZone`):
/// - each field takes `*`, `?` (day fields), numbers, ranges `a-b`, steps `*/n`, `a-b/n` and
///   `a/n` (from a to the field's end), and lists of those separated by commas; months and days
///   of the week also take English three-letter names (`JAN`, `MON`, any case); day of week 7 is
///   Sunday like 0;
/// - the macros `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`;
/// - when both day fields are restricted, a day matches either (Vixie cron, as CronJobs do).
///
/// Daylight-saving changes: a local time that does not exist (the clock jumps over it) fires
/// at the jump, once; a local time that happens twice fires at its first occurrence only.
class CronSchedule {
public:
    /// Parses `expression` in `time_zone` (an IANA name such as `Europe/Paris`; empty is UTC).
    /// The error names the field and the text it rejects ("day-of-month: 32 is out of range
    /// 1-31"), an unknown time zone, or an expression that never fires (`0 0 30 2 *`).
    [[nodiscard]] static std::expected<CronSchedule, std::string> parse(std::string_view expression,
                                                                        std::string_view time_zone);

    /// The first firing strictly after `after` (Unix seconds), or nullopt when there is none in
    /// the next five years (which `parse` rules out for every accepted expression).
    [[nodiscard]] std::optional<std::int64_t> next_after(std::int64_t after) const;

    /// The expression as given (macros kept) and the zone's name ("UTC" when none was given).
    [[nodiscard]] const std::string& expression() const { return expression_; }
    [[nodiscard]] const std::string& time_zone() const { return zone_name_; }

private:
    CronSchedule() = default;

    std::string expression_;
    std::string zone_name_;
    const date::time_zone* zone_ = nullptr; ///< from the process's time zone database
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;   ///< 1..31
    std::bitset<13> months_; ///< 1..12
    std::bitset<7> weekdays_; ///< 0 = Sunday
    bool days_restricted_ = false;
    bool weekdays_restricted_ = false;
};

} // namespace ihpa::schedule
