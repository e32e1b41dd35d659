#pragma once

#include "adapter/source/metric_source.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ihpa::test {

/// A scriptable metric source: each query's value is a function of time (so range queries agree
/// with instant ones), and the source can be switched down. Records every call.
class FakeSource final : public adapter::MetricSource {
public:
    using ValueAt = std::function<double(std::chrono::system_clock::time_point)>;

    /// `query` answers `value_at(now)` as one series (or `series` copies of it with labels
    /// `i=<n>` when series > 1).
    void set(const std::string& query, ValueAt value_at, int series = 1)
    {
        queries_[query] = {std::move(value_at), series};
    }
    /// While down, every call fails with "fake source down".
    void set_down(bool down) { down_ = down; }
    void set_keeps_history(bool keeps) { keeps_history_ = keeps; }

    int instant_calls = 0;
    int range_calls = 0;

    std::expected<std::vector<adapter::LabelledSample>, std::string>
    query(const std::string& query, std::chrono::system_clock::time_point now) override
    {
        ++instant_calls;
        if (down_) {
            return std::unexpected("fake source down");
        }
        const auto it = queries_.find(query);
        if (it == queries_.end()) {
            return std::vector<adapter::LabelledSample>{};
        }
        std::vector<adapter::LabelledSample> out;
        for (int i = 0; i < it->second.series; ++i) {
            out.push_back({{{"i", std::to_string(i)}}, {now, it->second.value_at(now)}});
        }
        return out;
    }

    [[nodiscard]] bool keeps_history() const override { return keeps_history_; }

    std::expected<std::vector<adapter::LabelledRange>, std::string>
    query_range(const std::string& query, std::chrono::system_clock::time_point from,
                std::chrono::system_clock::time_point to, std::chrono::seconds step) override
    {
        ++range_calls;
        if (down_) {
            return std::unexpected("fake source down");
        }
        const auto it = queries_.find(query);
        if (it == queries_.end() || !keeps_history_) {
            return std::vector<adapter::LabelledRange>{};
        }
        std::vector<adapter::LabelledRange> out;
        for (int i = 0; i < it->second.series; ++i) {
            adapter::LabelledRange range{{{"i", std::to_string(i)}}, {}};
            for (auto t = from; t <= to; t += step) {
                range.samples.push_back({t, it->second.value_at(t)});
            }
            out.push_back(std::move(range));
        }
        return out;
    }

private:
    struct Script {
        ValueAt value_at;
        int series = 1;
    };
    std::map<std::string, Script> queries_;
    bool down_ = false;
    bool keeps_history_ = true;
};

} // namespace ihpa::test
