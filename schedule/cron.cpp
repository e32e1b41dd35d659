#include "schedule/cron.hpp"

#include <date/tz.h>

#include <array>
#include <cctype>
#include <chrono>
#include <stdexcept>
#include <vector>

namespace ihpa::schedule {
namespace {

/// One field's name, range and the names its values may take.
struct FieldSpec {
    std::string_view name;
    int low;
    int high;
    const std::array<std::string_view, 12>* names; ///< names[i] is the value low + i, or null
};

constexpr std::array<std::string_view, 12> kMonthNames{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 12> kWeekdayNames{"SUN", "MON", "TUE", "WED", "THU",
                                                         "FRI", "SAT", "",    "",    "",
                                                         "",    ""};

/// The value of a number or a name in `field`, or an error naming it.
std::expected<int, std::string> field_value(std::string_view text, const FieldSpec& field)
{
    if (text.empty()) {
        return std::unexpected(std::string(field.name) + ": a value is missing");
    }
    if (field.names != nullptr && std::isalpha(static_cast<unsigned char>(text.front()))) {
        std::string upper;
        for (const char c : text) {
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        for (std::size_t i = 0; i < field.names->size(); ++i) {
            if (!(*field.names)[i].empty() && (*field.names)[i] == upper) {
                return field.low + static_cast<int>(i);
            }
        }
        return std::unexpected(std::string(field.name) + ": unknown name \"" + std::string(text) +
                               "\"");
    }
    int value = 0;
    for (const char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c)) || value > 1000) {
            return std::unexpected(std::string(field.name) + ": \"" + std::string(text) +
                                   "\" is not a number");
        }
        value = value * 10 + (c - '0');
    }
    if (value < field.low || value > field.high) {
        return std::unexpected(std::string(field.name) + ": " + std::string(text) +
                               " is out of range " + std::to_string(field.low) + "-" +
                               std::to_string(field.high));
    }
    return value;
}

/// The values a field's text selects (index = value), or an error naming the field.
std::expected<std::vector<bool>, std::string> parse_field(std::string_view text,
                                                          const FieldSpec& field)
{
    std::vector<bool> selected(static_cast<std::size_t>(field.high) + 1, false);
    if (text.empty()) {
        return std::unexpected(std::string(field.name) + ": empty");
    }
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view item = text.substr(start, comma - start);
        start = comma + 1;
        std::string_view range = item;
        int step = 1;
        if (const auto slash = item.find('/'); slash != std::string_view::npos) {
            range = item.substr(0, slash);
            const FieldSpec steps{field.name, 1, field.high - field.low + 1, nullptr};
            const auto parsed = field_value(item.substr(slash + 1), steps);
            if (!parsed) {
                return std::unexpected(std::string(field.name) + ": step of \"" +
                                       std::string(item) + "\": " +
                                       parsed.error().substr(field.name.size() + 2));
            }
            step = *parsed;
        }
        int low = field.low;
        int high = field.high;
        if (range != "*" && range != "?") {
            const auto dash = range.find('-');
            const auto first = field_value(range.substr(0, dash), field);
            if (!first) {
                return std::unexpected(first.error());
            }
            low = *first;
            if (dash != std::string_view::npos) {
                const auto last = field_value(range.substr(dash + 1), field);
                if (!last) {
                    return std::unexpected(last.error());
                }
                high = *last;
                if (high < low) {
                    return std::unexpected(std::string(field.name) + ": range \"" +
                                           std::string(range) + "\" ends before it starts");
                }
            } else if (range.size() == item.size()) {
                high = low; // a single value; "a/n" runs from a to the field's end
            }
        }
        for (int v = low; v <= high; v += step) {
            selected[static_cast<std::size_t>(v)] = true;
        }
        if (comma == text.size()) {
            break;
        }
    }
    return selected;
}

/// The five fields of a macro, or the expression itself.
std::string_view expand_macro(std::string_view expression)
{
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kMacros{{
        {"@yearly", "0 0 1 1 *"},
        {"@annually", "0 0 1 1 *"},
        {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"},
        {"@daily", "0 0 * * *"},
        {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"},
    }};
    for (const auto& [macro, fields] : kMacros) {
        if (expression == macro) {
            return fields;
        }
    }
    return expression;
}

constexpr int kDaysInMonth[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

} // namespace

std::expected<CronSchedule, std::string> CronSchedule::parse(std::string_view expression,
                                                             std::string_view time_zone)
{
    CronSchedule out;
    out.expression_ = std::string(expression);
    out.zone_name_ = time_zone.empty() ? "UTC" : std::string(time_zone);
    try {
        out.zone_ = date::locate_zone(out.zone_name_);
    } catch (const std::exception&) {
        return std::unexpected("unknown time zone \"" + out.zone_name_ +
                               "\" (an IANA name such as Europe/Paris or UTC)");
    }
    if (!expression.empty() && expression.front() == '@' &&
        expand_macro(expression) == expression) {
        return std::unexpected("unknown macro \"" + std::string(expression) +
                               "\" (@yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                               "@hourly)");
    }
    const std::string_view fields_text = expand_macro(expression);
    std::vector<std::string_view> fields;
    std::size_t at = 0;
    while (at < fields_text.size()) {
        while (at < fields_text.size() && std::isspace(static_cast<unsigned char>(fields_text[at]))) {
            ++at;
        }
        const std::size_t begin = at;
        while (at < fields_text.size() && !std::isspace(static_cast<unsigned char>(fields_text[at]))) {
            ++at;
        }
        if (at > begin) {
            fields.push_back(fields_text.substr(begin, at - begin));
        }
    }
    if (fields.size() != 5) {
        return std::unexpected("\"" + std::string(expression) + "\" has " +
                               std::to_string(fields.size()) +
                               " fields; a schedule has five: minute hour day-of-month month "
                               "day-of-week (or a macro such as @daily)");
    }
    const std::array<FieldSpec, 5> specs{{{"minute", 0, 59, nullptr},
                                          {"hour", 0, 23, nullptr},
                                          {"day-of-month", 1, 31, nullptr},
                                          {"month", 1, 12, &kMonthNames},
                                          {"day-of-week", 0, 7, &kWeekdayNames}}};
    std::array<std::vector<bool>, 5> selected;
    for (std::size_t f = 0; f < 5; ++f) {
        auto parsed = parse_field(fields[f], specs[f]);
        if (!parsed) {
            return std::unexpected(parsed.error());
        }
        selected[f] = std::move(*parsed);
    }
    for (std::size_t v = 0; v < 60; ++v) {
        out.minutes_[v] = v < selected[0].size() && selected[0][v];
    }
    for (std::size_t v = 0; v < 24; ++v) {
        out.hours_[v] = selected[1][v];
    }
    for (std::size_t v = 1; v <= 31; ++v) {
        out.days_[v] = selected[2][v];
    }
    for (std::size_t v = 1; v <= 12; ++v) {
        out.months_[v] = selected[3][v];
    }
    for (std::size_t v = 0; v <= 7; ++v) {
        if (selected[4][v]) {
            out.weekdays_[v % 7] = true;
        }
    }
    const auto unrestricted = [](std::string_view field) {
        return field.front() == '*' || field.front() == '?';
    };
    out.days_restricted_ = !unrestricted(fields[2]);
    out.weekdays_restricted_ = !unrestricted(fields[4]);
    if (out.days_restricted_ && !out.weekdays_restricted_) {
        bool possible = false;
        for (int month = 1; month <= 12 && !possible; ++month) {
            for (int day = 1; day <= kDaysInMonth[month] && out.months_[static_cast<std::size_t>(month)];
                 ++day) {
                possible = possible || out.days_[static_cast<std::size_t>(day)];
            }
        }
        if (!possible) {
            return std::unexpected("\"" + std::string(expression) +
                                   "\" never fires: no selected month has the selected days");
        }
    }
    return out;
}

std::optional<std::int64_t> CronSchedule::next_after(std::int64_t after) const
{
    using namespace std::chrono;
    const date::sys_seconds after_time{seconds(after)};
    const auto local_after = zone_->to_local(after_time);
    auto day = date::floor<date::days>(local_after);
    for (int i = 0; i < 5 * 366 + 2; ++i, day += date::days(1)) {
        const date::year_month_day ymd{day};
        const auto month = static_cast<unsigned>(ymd.month());
        const auto day_of_month = static_cast<unsigned>(ymd.day());
        const auto weekday = date::weekday{day}.c_encoding();
        if (!months_[month]) {
            continue;
        }
        const bool day_match = days_[day_of_month];
        const bool weekday_match = weekdays_[weekday];
        const bool matches = days_restricted_ && weekdays_restricted_
                                 ? day_match || weekday_match
                                 : day_match && weekday_match;
        if (!matches) {
            continue;
        }
        for (int hour = 0; hour < 24; ++hour) {
            if (!hours_[static_cast<std::size_t>(hour)]) {
                continue;
            }
            for (int minute = 0; minute < 60; ++minute) {
                if (!minutes_[static_cast<std::size_t>(minute)]) {
                    continue;
                }
                const date::local_seconds local{day.time_since_epoch() + hours(hour) +
                                                minutes(minute)};
                const date::local_info info = zone_->get_info(local);
                date::sys_seconds fire{};
                switch (info.result) {
                case date::local_info::unique:
                case date::local_info::ambiguous: // the first occurrence
                    fire = date::sys_seconds{local.time_since_epoch() - info.first.offset};
                    break;
                case date::local_info::nonexistent: // skipped by the clock: fires at the jump
                    fire = info.second.begin;
                    break;
                }
                if (fire > after_time) {
                    return fire.time_since_epoch().count();
                }
            }
        }
    }
    return std::nullopt;
}

} // namespace ihpa::schedule
