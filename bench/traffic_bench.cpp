// Traffic-driven against direct usage forecasts (issue 14; docs/benchmarks.md, "Traffic-driven
// usage").
//
// Usage: traffic_bench TRACE.csv [TRACE.csv ...]
//
// Each real trace (`timestamp,value`) is taken as a service's request rate, scaled to a mean of
// 2,000 req/s. From it a workload is generated with a known usage model and fixed seeds:
//   replicas(t) = max(1, ceil(requests(t-1) / 400))                 a reactive autoscaler
//   usage(t)    = 0.1 × replicas(t) + 0.002 × requests(t)           idle cost and cost per request
//               + 2 cores from 02:00 to 02:45 UTC                    a nightly batch job
//               × (1 + 0.05 × N(0,1)) + an AR(1) host disturbance   noise that traffic does not carry
// Over the last 20 % of each trace (every 3rd origin, horizons 1, 3, 6, 12), three forecasts of
// total usage are scored by their mean absolute error relative to naive's (usage at the origin):
//   direct   `auto` fitted on the usage history;
//   traffic  `auto` fitted on the request history, mapped to usage by fit_traffic_model (refitted
//            daily on the history) at the origin's replica count;
// and two ablations of traffic: without the time-of-day/day-of-week effects ("no clock") and
// without carrying the origin's residual forward ("no carry").
// Prints one row per trace and the geometric means, with the traffic model's fit (R², β).
#include "common/file.hpp"
#include "common/time_series_csv.hpp"
#include "model/registry.hpp"
#include "model/traffic_model.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace ihpa;

constexpr std::array<Eigen::Index, 4> kHorizons{1, 3, 6, 12};
constexpr Eigen::Index kOriginStride = 3;
constexpr Eigen::Index kRefitStride = 288;

struct Workload {
    model::Series requests;
    model::Series replicas;
    model::Series usage;
};

Workload generate(const common::TimeSeriesCsv& trace)
{
    const auto n = static_cast<Eigen::Index>(trace.values.size());
    double mean = 0.0;
    for (double v : trace.values) {
        mean += v / static_cast<double>(n);
    }
    const double scale = mean > 0.0 ? 2000.0 / mean : 1.0;
    std::mt19937 rng(20261204);
    std::normal_distribution<double> gauss(0.0, 1.0);
    Workload w;
    for (model::Series* s : {&w.requests, &w.replicas, &w.usage}) {
        s->start = trace.times.front();
        s->step_seconds = trace.step_seconds();
        s->values.resize(n);
    }
    double disturbance = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        w.requests.values[i] = std::max(0.0, trace.values[static_cast<std::size_t>(i)] * scale);
        const double previous = w.requests.values[i > 0 ? i - 1 : 0];
        w.replicas.values[i] = std::max(1.0, std::ceil(previous / 400.0));
        const std::int64_t second_of_day = ((trace.times[static_cast<std::size_t>(i)] % 86400) + 86400) % 86400;
        const double batch = second_of_day >= 7200 && second_of_day < 9900 ? 2.0 : 0.0;
        disturbance = 0.9 * disturbance + 0.05 * gauss(rng);
        const double clean = 0.1 * w.replicas.values[i] + 0.002 * w.requests.values[i] + batch;
        w.usage.values[i] = std::max(0.0, clean * (1.0 + 0.05 * gauss(rng)) + disturbance);
    }
    return w;
}

model::Series prefix(const model::Series& s, Eigen::Index end)
{
    return {s.start, s.step_seconds, s.values.head(end)};
}

struct Scores {
    std::array<double, kHorizons.size()> naive{};
    std::array<double, kHorizons.size()> direct{};
    std::array<double, kHorizons.size()> traffic{};
    std::array<double, kHorizons.size()> no_clock{};
    std::array<double, kHorizons.size()> no_carry{};
    Eigen::Index origins = 0;
    double r2 = 0.0; ///< of the last traffic model fitted
    std::string description;
};

/// The geometric mean over horizons of method / naive MAE.
double rel_mae(const std::array<double, kHorizons.size()>& method, const std::array<double, kHorizons.size()>& naive)
{
    double log_sum = 0.0;
    for (std::size_t k = 0; k < kHorizons.size(); ++k) {
        log_sum += std::log(method[k] / naive[k]);
    }
    return std::exp(log_sum / static_cast<double>(kHorizons.size()));
}

std::optional<Scores> score(const Workload& w, const model::Forecaster& forecaster)
{
    const Eigen::Index n = w.usage.size();
    const Eigen::Index first = n - n / 5;
    const Eigen::Index max_h = kHorizons.back();
    Scores s;
    std::optional<model::TrafficModel> traffic_model;
    std::optional<model::TrafficModel> clockless_model;
    model::TrafficModelOptions clockless;
    clockless.profile_shrinkage = 1e15; // every bucket's effect shrunk to nothing
    for (Eigen::Index origin = first; origin + max_h <= n; origin += kOriginStride) {
        // The history ends at the origin's point, index origin - 1.
        if (!traffic_model || (origin - first) % kRefitStride < kOriginStride) {
            auto fitted = model::fit_traffic_model(prefix(w.usage, origin), prefix(w.replicas, origin),
                                                   {prefix(w.requests, origin)});
            auto without_clock = model::fit_traffic_model(prefix(w.usage, origin), prefix(w.replicas, origin),
                                                          {prefix(w.requests, origin)}, clockless);
            if (!fitted || !without_clock) {
                std::fprintf(stderr, "traffic model: %s\n",
                             (fitted ? without_clock.error() : fitted.error()).message.c_str());
                return std::nullopt;
            }
            traffic_model = std::move(*fitted);
            clockless_model = std::move(*without_clock);
        }
        const auto direct = forecaster.fit(prefix(w.usage, origin));
        const auto requests = forecaster.fit(prefix(w.requests, origin));
        if (!direct || !requests) {
            std::fprintf(stderr, "auto: %s\n", (direct ? requests.error() : direct.error()).message.c_str());
            return std::nullopt;
        }
        const model::Forecast d = (*direct)->forecast(max_h);
        const double pods = w.replicas.values[origin - 1];
        const Eigen::VectorXd traffic_per_pod = Eigen::VectorXd::Constant(1, w.requests.values[origin - 1] / pods);
        const auto forecast_with = [&](const model::TrafficModel& m, bool carry) {
            const double residual =
                carry ? m.residual(w.usage.values[origin - 1] / pods, traffic_per_pod, w.usage.time_at(origin - 1)) : 0.0;
            return m.forecast_usage(
                {{(*requests)->forecast(max_h)}, pods, residual, w.usage.time_at(origin), w.usage.step_seconds, max_h});
        };
        const model::Forecast t = forecast_with(*traffic_model, true);
        const model::Forecast c = forecast_with(*clockless_model, true);
        const model::Forecast r = forecast_with(*traffic_model, false);
        const double last = w.usage.values[origin - 1];
        for (std::size_t k = 0; k < kHorizons.size(); ++k) {
            const Eigen::Index h = kHorizons[k];
            const double actual = w.usage.values[origin - 1 + h];
            s.naive[k] += std::abs(actual - last);
            s.direct[k] += std::abs(actual - d.mean[h - 1]);
            s.traffic[k] += std::abs(actual - t.mean[h - 1]);
            s.no_clock[k] += std::abs(actual - c.mean[h - 1]);
            s.no_carry[k] += std::abs(actual - r.mean[h - 1]);
        }
        ++s.origins;
    }
    s.r2 = traffic_model->quality().r2;
    s.description = traffic_model->description();
    return s;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: traffic_bench TRACE.csv [TRACE.csv ...]\n");
        return 2;
    }
    const auto forecaster = model::make_forecaster("auto");
    if (!forecaster) {
        std::fprintf(stderr, "auto: %s\n", forecaster.error().message.c_str());
        return 1;
    }
    std::printf("%-24s %7s %8s %8s %8s %8s %7s  %s\n", "trace", "origins", "direct", "traffic", "no-clock", "no-carry",
                "r2", "traffic model (last fit)");
    std::array<double, 4> log_sums{};
    int traces = 0;
    for (int a = 1; a < argc; ++a) {
        const std::filesystem::path path(argv[a]);
        const auto text = common::read_file(path);
        if (!text) {
            std::fprintf(stderr, "%s\n", text.error().c_str());
            return 1;
        }
        const auto trace = common::parse_time_series_csv(*text, path);
        if (!trace) {
            std::fprintf(stderr, "%s\n", trace.error().c_str());
            return 1;
        }
        if (trace->values.size() < 1000) {
            std::fprintf(stderr, "%s: %zu points, at least 1000 needed\n", argv[a], trace->values.size());
            return 1;
        }
        const auto scores = score(generate(*trace), **forecaster);
        if (!scores) {
            return 1;
        }
        const std::array<double, 4> rel{rel_mae(scores->direct, scores->naive), rel_mae(scores->traffic, scores->naive),
                                        rel_mae(scores->no_clock, scores->naive), rel_mae(scores->no_carry, scores->naive)};
        for (std::size_t k = 0; k < rel.size(); ++k) {
            log_sums[k] += std::log(rel[k]);
        }
        ++traces;
        std::printf("%-24s %7ld %8.3f %8.3f %8.3f %8.3f %7.3f  %s\n", path.stem().c_str(),
                    static_cast<long>(scores->origins), rel[0], rel[1], rel[2], rel[3], scores->r2,
                    scores->description.c_str());
    }
    std::printf("%-24s %7s", "geometric mean", "");
    for (const double sum : log_sums) {
        std::printf(" %8.3f", std::exp(sum / traces));
    }
    std::printf("\n");
    return 0;
}
