#pragma once

#include "adapter/source/metric_source.hpp"
#include "adapter/source/source_kind.hpp"
#include "model/series.hpp"

namespace ihpa::adapter {

/// Plays a recorded trace as a live metric, `speedup` times faster than real time, looping
/// forever (demo, tests, simulations). The position in the trace depends on wall-clock time
/// only (anchored at the unix epoch), so every replica of the server plays the same value at the
/// same moment, and the past is known too: `query_range` backfills as Prometheus would. Between
/// two trace points the value is interpolated linearly. A query is empty (the trace as it plays)
/// or `offset <duration>` (the trace played that much later, so one trace yields many distinct
/// series: demos, benchmarks).
class ReplaySource final : public MetricSource {
public:
    /// `trace` has at least two points and no gaps; `speedup` > 0.
    ReplaySource(model::Series trace, double speedup);

    /// The value played at `time`.
    [[nodiscard]] double value_at(std::chrono::system_clock::time_point time) const;

    [[nodiscard]] std::expected<std::vector<LabelledSample>, std::string>
    query(const std::string& query, std::chrono::system_clock::time_point now) override;
    [[nodiscard]] bool keeps_history() const override { return true; }
    [[nodiscard]] std::expected<std::vector<LabelledRange>, std::string>
    query_range(const std::string& query, std::chrono::system_clock::time_point from,
                std::chrono::system_clock::time_point to, std::chrono::seconds step) override;

private:
    model::Series trace_;
    double speedup_;
};

/// The source table row of `replay: {file, speedup}`.
[[nodiscard]] SourceKind replay_source_kind();

} // namespace ihpa::adapter
