#include "adapter/source/replay/replay.hpp"

#include "common/duration.hpp"
#include "common/time_series_csv.hpp"

#include <cmath>

namespace ihpa::adapter {
namespace {

/// The time offset a replay query asks for: "" → 0, "offset <duration>" → the duration.
std::expected<std::chrono::milliseconds, std::string> parse_offset(std::string_view query)
{
    if (query.empty()) {
        return std::chrono::milliseconds(0);
    }
    constexpr std::string_view kPrefix = "offset ";
    if (!query.starts_with(kPrefix)) {
        return std::unexpected("a replay query is empty or \"offset <duration>\" (the trace "
                               "played that much later), got \"" + std::string(query) + "\"");
    }
    auto offset = common::parse_duration(query.substr(kPrefix.size()));
    if (!offset) {
        return std::unexpected("invalid offset: " + offset.error());
    }
    return *offset;
}

} // namespace

ReplaySource::ReplaySource(model::Series trace, double speedup)
    : trace_(std::move(trace)), speedup_(speedup)
{
}

double ReplaySource::value_at(std::chrono::system_clock::time_point time) const
{
    const Eigen::Index n = trace_.size();
    const double step = static_cast<double>(trace_.step_seconds);
    const double wall = std::chrono::duration<double>(time.time_since_epoch()).count();
    const double length = step * static_cast<double>(n);
    double position = std::fmod(wall * speedup_, length);
    if (position < 0) {
        position += length;
    }
    const double index = std::floor(position / step);
    const auto i = static_cast<Eigen::Index>(index);
    const double frac = position / step - index;
    return trace_.values[i] * (1.0 - frac) + trace_.values[(i + 1) % n] * frac;
}

std::expected<std::vector<LabelledSample>, std::string>
ReplaySource::query(const std::string& query, std::chrono::system_clock::time_point now)
{
    const auto offset = parse_offset(query);
    if (!offset) {
        return std::unexpected(offset.error());
    }
    return std::vector<LabelledSample>{{{}, Sample{now, value_at(now - *offset)}}};
}

std::expected<std::vector<LabelledRange>, std::string>
ReplaySource::query_range(const std::string& query, std::chrono::system_clock::time_point from,
                          std::chrono::system_clock::time_point to, std::chrono::seconds step)
{
    const auto offset = parse_offset(query);
    if (!offset) {
        return std::unexpected(offset.error());
    }
    LabelledRange range;
    for (auto t = from; t <= to; t += step) {
        range.samples.push_back({t, value_at(t - *offset)});
    }
    return std::vector<LabelledRange>{std::move(range)};
}

SourceKind replay_source_kind()
{
    SourceKind kind;
    kind.name = "replay";
    kind.parse = [](const YAML::Node& options, const std::string& what,
                    config_parse::Problems& problems) -> std::optional<SourceFactory> {
        if (!config_parse::check_mapping(options, what, {"file", "speedup"}, problems)) {
            return std::nullopt;
        }
        const auto file = config_parse::required_string(options, "file", what, problems);
        const double speedup =
            config_parse::optional_number(options, "speedup", what, 1e-6, 1e9, problems)
                .value_or(1.0);
        if (!file) {
            return std::nullopt;
        }
        return [file = *file, speedup](const SourceContext& context)
                   -> std::expected<std::shared_ptr<MetricSource>, std::string> {
            auto text = context.resolve(file);
            if (!text) {
                return std::unexpected(text.error());
            }
            auto points = common::parse_time_series_csv(*text, file);
            if (!points) {
                return std::unexpected(points.error());
            }
            if (points->values.size() < 2) {
                return std::unexpected(file + ": a replayed trace needs at least two points");
            }
            model::Series trace;
            trace.start = points->times.front();
            trace.step_seconds = points->step_seconds();
            trace.values = Eigen::Map<const Eigen::VectorXd>(
                points->values.data(), static_cast<Eigen::Index>(points->values.size()));
            return std::make_shared<ReplaySource>(std::move(trace), speedup);
        };
    };
    kind.check_query = [](std::string_view query) -> std::expected<void, std::string> {
        if (auto offset = parse_offset(query); !offset) {
            return std::unexpected(offset.error());
        }
        return {};
    };
    return kind;
}

} // namespace ihpa::adapter
