#include "backtest/bt1_score.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::backtest {
namespace {

/// Mean with Neumaier-compensated summation: matches Python's statistics.fmean (an exactly
/// rounded sum) to the last bit or so. `xs` is not empty.
double mean(const std::vector<double>& xs)
{
    double sum = 0.0;
    double compensation = 0.0;
    for (const double x : xs) {
        const double t = sum + x;
        compensation += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }
    return (sum + compensation) / static_cast<double>(xs.size());
}

std::optional<double> mean_or_null(const std::vector<double>& xs)
{
    return xs.empty() ? std::nullopt : std::optional<double>(mean(xs));
}

/// Median as Python's statistics.median: the middle value, or the mean of the two middle ones.
std::optional<double> median(std::vector<double> xs)
{
    if (xs.empty()) {
        return std::nullopt;
    }
    std::sort(xs.begin(), xs.end());
    const std::size_t mid = xs.size() / 2;
    return xs.size() % 2 == 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2.0;
}

double pinball(double y, double quantile_forecast)
{
    const double d = y - quantile_forecast;
    return d >= 0.0 ? kUpperQuantile * d : (kUpperQuantile - 1.0) * d;
}

double smape(double y, double f)
{
    const double denominator = std::fabs(y) + std::fabs(f);
    return denominator == 0.0 ? 0.0 : 200.0 * std::fabs(y - f) / denominator;
}

std::optional<double> ratio(double a, double b)
{
    return b > 0.0 ? std::optional<double>(a / b) : std::nullopt;
}

HorizonScore score_horizon(const Eigen::VectorXd& values, const TraceForecasts& forecasts,
                           std::size_t j)
{
    const Eigen::Index h = kHorizons[j];
    const std::size_t n = forecasts.origins.size();
    std::vector<double> ae, naive_ae, sm, covered, missed, pb, naive_pb;
    for (auto* xs : {&ae, &naive_ae, &sm, &covered, &missed, &pb, &naive_pb}) {
        xs->reserve(n);
    }
    for (std::size_t k = 0; k < n; ++k) {
        const Eigen::Index o = forecasts.origins[k];
        const double y = values[o + h];
        const double naive = values[o];
        const ForecastPoint& f = forecasts.points[k][j];
        ae.push_back(std::fabs(y - f.yhat));
        naive_ae.push_back(std::fabs(y - naive));
        sm.push_back(smape(y, f.yhat));
        covered.push_back(f.lower <= y && y <= f.upper ? 1.0 : 0.0);
        missed.push_back(y > f.upper ? 1.0 : 0.0);
        pb.push_back(pinball(y, f.upper));
        naive_pb.push_back(pinball(y, naive));
    }
    HorizonScore s;
    s.horizon = h;
    s.origins = static_cast<Eigen::Index>(n);
    s.mae = mean(ae);
    s.naive_mae = mean(naive_ae);
    s.relmae = ratio(s.mae, s.naive_mae);
    s.smape = mean(sm);
    s.coverage = mean(covered);
    s.upper_miss = mean(missed);
    s.pinball90 = mean(pb);
    s.naive_pinball90 = mean(naive_pb);
    s.relpinball90 = ratio(s.pinball90, s.naive_pinball90);
    return s;
}

/// Every per-horizon value of `member` over all traces and horizons, trace-major.
template <typename T>
std::vector<T> all_horizons(const std::vector<TraceScore>& traces, T HorizonScore::*member)
{
    std::vector<T> out;
    for (const auto& t : traces) {
        for (const auto& h : t.horizons) {
            out.push_back(h.*member);
        }
    }
    return out;
}

} // namespace

std::optional<double> geometric_mean(const std::vector<std::optional<double>>& xs)
{
    std::vector<double> present;
    for (const auto& x : xs) {
        if (x) {
            present.push_back(*x);
        }
    }
    if (present.empty()) {
        return std::nullopt;
    }
    if (std::any_of(present.begin(), present.end(), [](double x) { return x <= 0.0; })) {
        const bool non_negative =
            std::all_of(present.begin(), present.end(), [](double x) { return x >= 0.0; });
        return non_negative ? std::optional<double>(0.0) : std::nullopt;
    }
    double log_sum = 0.0; // a plain sum, as the reference scorer's sum(math.log(x) ...)
    for (const double x : present) {
        log_sum += std::log(x);
    }
    return std::exp(log_sum / static_cast<double>(present.size()));
}

TraceScore score_trace(std::string name, const Eigen::VectorXd& values,
                       const TraceForecasts& forecasts)
{
    TraceScore score;
    score.trace = std::move(name);
    score.origins = static_cast<Eigen::Index>(forecasts.origins.size());
    for (std::size_t j = 0; j < kHorizons.size(); ++j) {
        score.horizons[j] = score_horizon(values, forecasts, j);
    }
    const std::vector<TraceScore> one{score};
    score.relmae = geometric_mean(all_horizons(one, &HorizonScore::relmae));
    score.smape = mean(all_horizons(one, &HorizonScore::smape));
    score.coverage = mean(all_horizons(one, &HorizonScore::coverage));
    score.upper_miss = mean(all_horizons(one, &HorizonScore::upper_miss));
    score.relpinball90 = geometric_mean(all_horizons(one, &HorizonScore::relpinball90));
    return score;
}

SetScore score_set(std::vector<TraceScore> traces, std::map<std::string, std::string> errors,
                   const std::map<std::string, TraceTiming>& timings)
{
    std::sort(traces.begin(), traces.end(),
              [](const TraceScore& a, const TraceScore& b) { return a.trace < b.trace; });
    SetScore set{std::move(traces), std::move(errors), {}, {}};
    SetSummary& s = set.summary;
    s.traces = set.traces.size();
    for (const auto& [name, reason] : set.errors) {
        s.invalid.push_back(name);
    }
    for (std::size_t j = 0; j < kHorizons.size(); ++j) {
        std::vector<std::optional<double>> per_trace;
        for (const auto& t : set.traces) {
            per_trace.push_back(t.horizons[j].relmae);
        }
        s.relmae_h[j] = geometric_mean(per_trace);
    }
    s.relmae_all = geometric_mean(all_horizons(set.traces, &HorizonScore::relmae));
    s.coverage = mean_or_null(all_horizons(set.traces, &HorizonScore::coverage));
    s.upper_miss = mean_or_null(all_horizons(set.traces, &HorizonScore::upper_miss));
    s.relpinball90 = geometric_mean(all_horizons(set.traces, &HorizonScore::relpinball90));
    s.smape = mean_or_null(all_horizons(set.traces, &HorizonScore::smape));
    std::vector<double> seconds, per_origin;
    for (const auto& t : set.traces) {
        const auto found = timings.find(t.trace);
        if (found == timings.end()) {
            continue;
        }
        const TraceTiming& timing = found->second;
        set.timings.emplace(t.trace, timing);
        seconds.push_back(timing.seconds);
        per_origin.push_back(timing.seconds /
                             static_cast<double>(std::max<Eigen::Index>(1, timing.origins)));
    }
    s.median_seconds_per_trace = median(seconds);
    s.median_seconds_per_origin = median(per_origin);
    if (!seconds.empty()) {
        double total = 0.0; // a plain sum, as the reference scorer's sum(secs)
        for (const double x : seconds) {
            total += x;
        }
        s.total_seconds = total;
    }
    return set;
}

} // namespace ihpa::backtest
