#include "adapter/history/poller.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ihpa::adapter {
namespace {

// Longest wait between polls of a failing source (unless its interval is longer): the time a
// source that is back can go unnoticed while forecasts age towards maxStaleness. One batched
// query a minute is no load to spare a struggling source.
constexpr std::chrono::milliseconds kMaxBackoff(60 * 1000);

/// The sum of a query's series at one instant; nullopt when it returned none.
std::optional<Sample> total(const std::vector<LabelledSample>& samples)
{
    if (samples.empty()) {
        return std::nullopt;
    }
    Sample sum{samples.front().sample.time, 0.0};
    for (const LabelledSample& s : samples) {
        sum.value += s.sample.value;
        sum.time = std::max(sum.time, s.sample.time);
    }
    return sum;
}

/// The per-instant sums of a range query's series.
std::vector<Sample> totals(std::vector<LabelledRange>& ranges)
{
    if (ranges.size() == 1) {
        return std::move(ranges.front().samples); // the common case: one series, no merging
    }
    std::map<std::chrono::system_clock::time_point, double> sums;
    for (const LabelledRange& range : ranges) {
        for (const Sample& s : range.samples) {
            sums[s.time] += s.value;
        }
    }
    std::vector<Sample> out;
    out.reserve(sums.size());
    for (const auto& [time, value] : sums) {
        out.push_back({time, value});
    }
    return out;
}

} // namespace

Poller::Poller(std::string source_name, std::shared_ptr<MetricSource> source,
               std::chrono::milliseconds interval, std::uint64_t seed,
               std::shared_ptr<HistoryLog> log)
    : source_name_(std::move(source_name)), source_(std::move(source)), interval_(interval),
      random_(seed), log_(std::move(log))
{
}

void Poller::set_target(const std::string& key, const std::string& query,
                        std::shared_ptr<StoredSeries> series)
{
    const std::lock_guard lock(mutex_);
    targets_[key] = Target{key, query, std::move(series)};
}

void Poller::remove_target(const std::string& key)
{
    const std::lock_guard lock(mutex_);
    targets_.erase(key);
}

void Poller::set_labelled_target(const std::string& key, const std::string& query,
                                 std::shared_ptr<LabelledQuery> answer)
{
    const std::lock_guard lock(mutex_);
    labelled_[key] = LabelledTarget{query, std::move(answer)};
}

void Poller::remove_labelled_target(const std::string& key)
{
    const std::lock_guard lock(mutex_);
    labelled_.erase(key);
}

PollerStatus Poller::status() const
{
    const std::lock_guard lock(mutex_);
    return status_;
}

std::chrono::milliseconds Poller::jittered(std::chrono::milliseconds wait)
{
    std::uniform_real_distribution<double> factor(0.9, 1.1);
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(wait.count()) * factor(random_)));
}

bool Poller::needs_backfill(const Target& target, std::chrono::system_clock::time_point now) const
{
    if (!source_->keeps_history()) {
        return false;
    }
    const auto latest = target.series->latest();
    const auto step = std::chrono::seconds(target.series->step_seconds());
    const auto allowed = std::max<std::chrono::milliseconds>(2 * interval_, 2 * step);
    return !latest || now - latest->time > allowed;
}

std::optional<std::vector<Sample>> Poller::backfill(const Target& target,
                                                    std::chrono::system_clock::time_point now,
                                                    std::string& error)
{
    const std::int64_t step = target.series->step_seconds();
    // the oldest slot of the window that ends with the slot holding `now`
    const std::int64_t window_start =
        (unix_seconds(now) / step - target.series->capacity() + 1) * step;
    std::int64_t from = window_start;
    if (const auto latest = target.series->latest()) {
        from = std::max(from, unix_seconds(latest->time) + 1);
    }
    from = (from + step - 1) / step * step; // the first whole slot
    if (from > unix_seconds(now)) {
        return std::vector<Sample>{};
    }
    auto ranges = source_->query_range(target.query, from_unix_seconds(from), now,
                                       std::chrono::seconds(step));
    if (!ranges) {
        error = ranges.error();
        return std::nullopt;
    }
    return totals(*ranges);
}

void Poller::store(const std::vector<Read>& reads)
{
    const auto record = [&reads] {
        for (const Read& read : reads) {
            read.target->series->record(read.samples);
        }
    };
    if (!log_) {
        record();
        return;
    }
    std::vector<LoggedPoint> points;
    for (const Read& read : reads) {
        const StoredSeries& series = *read.target->series;
        for (const Sample& sample : read.samples) {
            points.push_back({read.target->key, series.step_seconds(), series.capacity(), sample});
        }
    }
    // A failed append is counted and logged by the log; the points are served all the same.
    log_->append(points, record);
}

std::chrono::system_clock::time_point Poller::run_once(std::chrono::system_clock::time_point now)
{
    std::vector<Target> targets;
    std::vector<LabelledTarget> labelled;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [key, target] : targets_) {
            targets.push_back(target);
        }
        for (const auto& [key, target] : labelled_) {
            labelled.push_back(target);
        }
    }
    std::string error;
    std::size_t failed = 0;
    std::vector<Read> reads;
    std::int64_t backfilled = 0;
    for (const Target& target : targets) {
        if (!needs_backfill(target, now)) {
            continue;
        }
        if (auto samples = backfill(target, now, error); !samples) {
            ++failed;
        } else if (!samples->empty()) {
            backfilled += static_cast<std::int64_t>(samples->size());
            reads.push_back({&target, std::move(*samples)});
        }
    }
    // One batch: the series' queries, then the labelled ones.
    std::vector<std::string> queries;
    queries.reserve(targets.size() + labelled.size());
    for (const Target& target : targets) {
        queries.push_back(target.query);
    }
    for (const LabelledTarget& target : labelled) {
        queries.push_back(target.query);
    }
    auto answers = queries.empty()
                       ? std::vector<std::expected<std::vector<LabelledSample>, std::string>>{}
                       : source_->query_batch(queries, now);
    for (std::size_t i = 0; i < queries.size() && i < answers.size(); ++i) {
        if (!answers[i]) {
            error = answers[i].error();
            ++failed;
        } else if (i >= targets.size()) {
            labelled[i - targets.size()].answer->record(std::move(*answers[i]), now);
        } else if (const auto sample = total(*answers[i])) {
            reads.push_back({&targets[i], {*sample}});
        }
    }
    if (!reads.empty()) {
        store(reads);
    }
    const std::lock_guard lock(mutex_);
    status_.backfilled_points += backfilled;
    ++status_.polls;
    if (failed == 0) {
        status_.last_success = now;
        status_.consecutive_failures = 0;
        status_.last_error.clear();
        return now + jittered(interval_);
    }
    ++status_.errors;
    ++status_.consecutive_failures;
    status_.last_error = error;
    const auto factor = std::int64_t{1} << std::min<std::int64_t>(status_.consecutive_failures, 20);
    const auto backoff = std::max(interval_, std::min(kMaxBackoff, interval_ * factor / 2));
    return now + jittered(backoff);
}

} // namespace ihpa::adapter
