#include "common/seasonality.hpp"

#include "common/duration.hpp"

#include <chrono>

namespace ihpa::common {

std::expected<SeasonalPeriods, std::string> parse_seasonality(std::string_view text)
{
    constexpr std::int64_t kDay = 86400;
    if (text == "auto") {
        return SeasonalPeriods{};
    }
    if (text == "none") {
        return SeasonalPeriods{std::vector<std::int64_t>{}};
    }
    if (text == "daily") {
        return SeasonalPeriods{std::vector<std::int64_t>{kDay}};
    }
    if (text == "weekly") {
        return SeasonalPeriods{std::vector<std::int64_t>{7 * kDay}};
    }
    const std::string expected =
        "expected auto, none, daily, weekly or a comma-separated list of durations such as 1d,7d";
    std::vector<std::int64_t> periods;
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = text.find(',', begin);
        const std::string_view item =
            text.substr(begin, comma == std::string_view::npos ? std::string_view::npos
                                                               : comma - begin);
        const auto duration = parse_duration(item);
        if (!duration) {
            return std::unexpected(expected + "; \"" + std::string(item) + "\": " +
                                   duration.error());
        }
        if (duration->count() <= 0 || duration->count() % 1000 != 0) {
            return std::unexpected(expected + "; \"" + std::string(item) +
                                   "\": a period must be a positive number of whole seconds");
        }
        periods.push_back(duration->count() / 1000);
        if (comma == std::string_view::npos) {
            return SeasonalPeriods{std::move(periods)};
        }
        begin = comma + 1;
    }
}

std::string format_seasonality(const SeasonalPeriods& periods)
{
    if (!periods) {
        return "auto";
    }
    if (periods->empty()) {
        return "none";
    }
    std::string text;
    for (const std::int64_t seconds : *periods) {
        text += text.empty() ? "" : ",";
        text += format_duration(std::chrono::seconds(seconds));
    }
    return text;
}

} // namespace ihpa::common
