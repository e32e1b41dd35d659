#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ihpa::adapter {

/// One observation of a metric.
struct Sample {
    std::chrono::system_clock::time_point time;
    double value = 0.0;
};

/// Times a source may report and the history may hold, in seconds either side of the epoch
/// (about 272 years, inside the ±292 years of a nanosecond clock, so no conversion overflows).
inline constexpr std::int64_t kMaxUnixSeconds = std::int64_t{1} << 33;

/// The time `ms` milliseconds after the epoch (rounded to a millisecond); nullopt when `ms` is
/// not finite or lies beyond ±kMaxUnixSeconds.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> time_from_unix_ms(double ms);

/// The labels of one series a query selects (Prometheus labels, Datadog tags as key:value).
using Labels = std::map<std::string, std::string>;

/// One series' value at one moment.
struct LabelledSample {
    Labels labels;
    Sample sample;
};

/// One series' values over a range, oldest first.
struct LabelledRange {
    Labels labels;
    std::vector<Sample> samples;
};

/// A metric backend the pollers read: Prometheus, Redis, Datadog, a replayed trace. Calls block
/// on I/O (bounded by the source's own timeout) and come from poller threads only, never from
/// the request path. One poller drives a source at a time; implementations need not be
/// thread-safe. Errors are values: a message that names the source kind and what failed
/// (connection refused, HTTP status, the backend's own error text), never an exception.
class MetricSource {
public:
    virtual ~MetricSource() = default;

    /// The values `query` (in the source's own syntax) selects at `now`: one per series, possibly
    /// none (an empty result is not an error).
    [[nodiscard]] virtual std::expected<std::vector<LabelledSample>, std::string>
    query(const std::string& query, std::chrono::system_clock::time_point now) = 0;

    /// Several instant queries at once; element i answers queries[i]. Sources that can batch
    /// (fewer round trips, friendlier to rate limits) override this; by default each query is
    /// run in turn.
    [[nodiscard]] virtual std::vector<std::expected<std::vector<LabelledSample>, std::string>>
    query_batch(std::span<const std::string> queries, std::chrono::system_clock::time_point now);

    /// Whether `query_range` can return past values (Prometheus, Datadog, replay: yes; Redis:
    /// no, it only knows the present).
    [[nodiscard]] virtual bool keeps_history() const = 0;

    /// The values of `query` at the instants `from`, `from + step`, ... up to `to` (the source's
    /// own alignment where it has one), for backfill. Sources that do not keep history return an
    /// empty result.
    [[nodiscard]] virtual std::expected<std::vector<LabelledRange>, std::string>
    query_range(const std::string& query, std::chrono::system_clock::time_point from,
                std::chrono::system_clock::time_point to, std::chrono::seconds step) = 0;
};

} // namespace ihpa::adapter
