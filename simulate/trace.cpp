#include "simulate/trace.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

namespace ihpa::simulate {
namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    return s;
}

} // namespace

std::expected<Trace, SimulateError> parse_trace(std::string_view text, std::string_view source)
{
    const auto fail = [source](std::size_t line, const std::string& why) {
        return std::unexpected(
            SimulateError{std::string(source) + ":" + std::to_string(line) + ": " + why});
    };
    std::vector<std::int64_t> times;
    std::vector<double> values;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t eol = std::min(text.find('\n', pos), text.size());
        const std::string_view line = trim(text.substr(pos, eol - pos));
        pos = eol + 1;
        ++line_no;
        if (line_no == 1) {
            if (line != "timestamp,value") {
                return fail(line_no, "expected the header \"timestamp,value\"");
            }
            continue;
        }
        if (line.empty()) {
            continue;
        }
        const std::size_t comma = line.find(',');
        if (comma == std::string_view::npos) {
            return fail(line_no, "expected \"timestamp,value\"");
        }
        const std::string_view ts_text = trim(line.substr(0, comma));
        std::int64_t ts = 0;
        const auto [ts_end, ts_err] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ts);
        if (ts_err != std::errc{} || ts_end != ts_text.data() + ts_text.size()) {
            return fail(line_no, "timestamp is not an integer");
        }
        const std::string value_text(trim(line.substr(comma + 1)));
        std::size_t used = 0;
        double value = 0.0;
        try {
            value = std::stod(value_text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != value_text.size() || !std::isfinite(value)) {
            return fail(line_no, "value is not a finite number");
        }
        if (!times.empty() && ts <= times.back()) {
            return fail(line_no, "timestamps must be strictly increasing");
        }
        if (times.size() >= 2 && ts - times.back() != times[1] - times[0]) {
            return fail(line_no, "step changes from " + std::to_string(times[1] - times[0]) +
                                     " s to " + std::to_string(ts - times.back()) +
                                     " s (the trace must have one point per step, no gaps)");
        }
        times.push_back(ts);
        values.push_back(value);
    }
    if (times.size() < 2) {
        return std::unexpected(SimulateError{std::string(source) + ": needs at least two samples"});
    }
    Trace trace;
    trace.series.start = times.front();
    trace.series.step_seconds = times[1] - times[0];
    trace.series.values = Eigen::Map<const Eigen::VectorXd>(values.data(),
                                                            static_cast<Eigen::Index>(values.size()));
    return trace;
}

std::expected<Trace, SimulateError> read_trace(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::unexpected(SimulateError{"cannot open trace file " + path.string()});
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto trace = parse_trace(text.str(), path.string());
    if (trace) {
        trace->name = path.stem().string();
    }
    return trace;
}

std::int64_t end_time(const model::Series& series)
{
    return series.time_at(series.size() - 1);
}

double load_at(const model::Series& series, double t)
{
    const model::Series& s = series;
    const double offset = (t - static_cast<double>(s.start)) / static_cast<double>(s.step_seconds);
    if (offset <= 0.0) {
        return s.values[0];
    }
    const auto last = s.size() - 1;
    if (offset >= static_cast<double>(last)) {
        return s.values[last];
    }
    const auto i = static_cast<Eigen::Index>(std::floor(offset));
    const double frac = offset - static_cast<double>(i);
    return s.values[i] + frac * (s.values[i + 1] - s.values[i]);
}

Eigen::Index samples_until(const model::Series& series, std::int64_t now)
{
    const model::Series& s = series;
    if (now < s.start) {
        return 0;
    }
    return std::min<Eigen::Index>((now - s.start) / s.step_seconds + 1, s.size());
}

double observed_at(const model::Series& series, std::int64_t now)
{
    return series.values[std::max<Eigen::Index>(samples_until(series, now) - 1, 0)];
}

} // namespace ihpa::simulate
