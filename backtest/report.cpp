#include "backtest/report.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <vector>

namespace ihpa::backtest {
namespace {

/// `x` with `digits` decimals, or "n/a".
std::string fixed(std::optional<double> x, int digits = 3)
{
    if (!x) {
        return "n/a";
    }
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << *x;
    return out.str();
}

/// Writes cells padded to `widths`: the first left-aligned, the others right-aligned.
class Table {
public:
    explicit Table(std::vector<std::size_t> widths) : widths_(std::move(widths)) {}

    /// Appends one line of `cells` (missing cells are blank).
    void row(const std::vector<std::string>& cells)
    {
        for (std::size_t i = 0; i < widths_.size(); ++i) {
            const std::string cell = i < cells.size() ? cells[i] : "";
            out_ << (i == 0 ? "" : "  ") << (i == 0 ? std::left : std::right)
                 << std::setw(static_cast<int>(widths_[i])) << cell;
        }
        out_ << '\n';
    }

    /// Appends a line of free text.
    void line(const std::string& text) { out_ << text << '\n'; }

    /// The text so far.
    [[nodiscard]] std::string str() const { return out_.str(); }

private:
    std::vector<std::size_t> widths_;
    std::ostringstream out_;
};

nlohmann::json optional_json(std::optional<double> x)
{
    return x ? nlohmann::json(*x) : nlohmann::json(nullptr);
}

nlohmann::json horizon_json(const std::string& trace, const HorizonScore& h)
{
    return {{"trace", trace},
            {"horizon", h.horizon},
            {"origins", h.origins},
            {"mae", h.mae},
            {"naive_mae", h.naive_mae},
            {"relmae", optional_json(h.relmae)},
            {"smape", h.smape},
            {"coverage", h.coverage},
            {"upper_miss", h.upper_miss},
            {"pinball90", h.pinball90},
            {"naive_pinball90", h.naive_pinball90},
            {"relpinball90", optional_json(h.relpinball90)}};
}

nlohmann::json trace_json(const TraceScore& t)
{
    nlohmann::json horizons = nlohmann::json::array();
    for (const auto& h : t.horizons) {
        horizons.push_back(horizon_json(t.trace, h));
    }
    return {{"horizons", std::move(horizons)},
            {"all",
             {{"trace", t.trace},
              {"horizon", "all"},
              {"origins", t.origins},
              {"relmae", optional_json(t.relmae)},
              {"smape", t.smape},
              {"coverage", t.coverage},
              {"upper_miss", t.upper_miss},
              {"relpinball90", optional_json(t.relpinball90)}}}};
}

} // namespace

std::string format_score_table(const SetScore& set)
{
    std::vector<std::string> names;
    for (const auto& t : set.traces) {
        names.push_back(t.trace);
    }
    for (const auto& [name, reason] : set.errors) {
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    std::size_t name_width = 28;
    for (const auto& name : names) {
        name_width = std::max(name_width, name.size());
    }
    std::vector<std::size_t> widths{name_width, 7};
    std::vector<std::string> header{"trace", "n_orig"};
    for (const auto h : kHorizons) {
        widths.push_back(9);
        header.push_back("relMAE@" + std::to_string(h));
    }
    widths.insert(widths.end(), {7, 7, 6, 6, 7, 8});
    header.insert(header.end(), {"relMAE", "sMAPE", "cover", "upmiss", "relPB90", "sec"});
    Table table(std::move(widths));
    table.row(header);
    for (const auto& name : names) {
        const auto score = std::find_if(set.traces.begin(), set.traces.end(),
                                        [&name](const TraceScore& t) { return t.trace == name; });
        if (score == set.traces.end()) {
            table.row({name, "INVALID"});
            continue;
        }
        std::vector<std::string> cells{name, std::to_string(score->origins)};
        for (const auto& h : score->horizons) {
            cells.push_back(fixed(h.relmae));
        }
        const auto timing = set.timings.find(name);
        cells.insert(cells.end(),
                     {fixed(score->relmae), fixed(score->smape, 2), fixed(score->coverage, 2),
                      fixed(score->upper_miss, 2), fixed(score->relpinball90),
                      timing == set.timings.end() ? "-" : fixed(timing->second.seconds, 1)});
        table.row(cells);
    }
    const SetSummary& s = set.summary;
    std::vector<std::string> cells{"GEOMEAN/MEAN", ""};
    for (const auto& relmae : s.relmae_h) {
        cells.push_back(fixed(relmae));
    }
    cells.insert(cells.end(), {fixed(s.relmae_all), fixed(s.smape, 2), fixed(s.coverage, 2),
                               fixed(s.upper_miss, 2), fixed(s.relpinball90),
                               s.median_seconds_per_trace ? fixed(s.median_seconds_per_trace, 1)
                                                          : "-"});
    table.row(cells);
    if (s.median_seconds_per_trace) {
        table.line("median seconds/trace " + fixed(s.median_seconds_per_trace, 2) +
                   ", median seconds/origin " + fixed(s.median_seconds_per_origin, 4) +
                   ", total " + fixed(s.total_seconds, 1));
    }
    if (!s.invalid.empty()) {
        std::string list;
        for (const auto& name : s.invalid) {
            list += (list.empty() ? "" : ", ") + name;
        }
        table.line(std::to_string(s.invalid.size()) + " invalid forecast file(s): " + list);
    }
    return table.str();
}

nlohmann::json score_json(const SetScore& set)
{
    const SetSummary& s = set.summary;
    nlohmann::json summary{{"traces", s.traces}, {"invalid", s.invalid}};
    for (std::size_t j = 0; j < kHorizons.size(); ++j) {
        summary["relmae_h" + std::to_string(kHorizons[j])] = optional_json(s.relmae_h[j]);
    }
    summary["relmae_all"] = optional_json(s.relmae_all);
    summary["coverage"] = optional_json(s.coverage);
    summary["upper_miss"] = optional_json(s.upper_miss);
    summary["relpinball90"] = optional_json(s.relpinball90);
    summary["smape"] = optional_json(s.smape);
    summary["median_seconds_per_trace"] = optional_json(s.median_seconds_per_trace);
    summary["median_seconds_per_origin"] = optional_json(s.median_seconds_per_origin);
    summary["total_seconds"] = optional_json(s.total_seconds);
    nlohmann::json traces = nlohmann::json::object();
    for (const auto& t : set.traces) {
        traces[t.trace] = trace_json(t);
    }
    return {{"summary", std::move(summary)},
            {"traces", std::move(traces)},
            {"errors", set.errors}};
}

} // namespace ihpa::backtest
