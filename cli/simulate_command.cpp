// `ihpa simulate`: replays a trace through the HPA simulation, reactive vs predictive vs oracle.
#include "cli/command.hpp"
#include "controller/schedules_file.hpp"

#include "backtest/trace_csv.hpp"
#include "common/seasonality.hpp"
#include "model/registry.hpp"
#include "model/serving.hpp"
#include "model/time_shift.hpp"
#include "simulate/behavior.hpp"
#include "simulate/capacity.hpp"
#include "simulate/comparison.hpp"
#include "simulate/duration.hpp"
#include "simulate/html_report.hpp"
#include "common/number_text.hpp"
#include "simulate/oracle_feed.hpp"
#include "simulate/summary_json.hpp"
#include "simulate/svg_plot.hpp"
#include "simulate/timeseries_csv.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace ihpa::cli {
namespace {

/// The flags as typed; durations stay text until `run_simulate` parses them.
struct SimulateFlags {
    std::string trace;
    std::optional<double> per_pod_capacity;
    std::optional<double> target_utilization;
    std::optional<double> request;
    std::string lead = "5m";
    std::string pod_startup = "3m";
    std::string sync = "15s";
    std::string refit = "5m";
    std::string history = "336h";
    std::string rule = "windowMax";
    std::string band = "upper";
    std::string model = "auto";
    std::string seasonality = "auto";
    int min_replicas = 1;
    int max_replicas = 1000;
    std::string behavior;
    std::string schedules;
    std::string out;
    bool html = false;
};

/// The per-pod capacity when no capacity flag is given: the trace's 95th percentile needs
/// this many pods.
constexpr int kPodsAtP95 = 20;

int fail(const std::string& message)
{
    std::cerr << "ihpa simulate: " << message << '\n';
    return 2;
}

std::optional<std::int64_t> duration_flag(const std::string& flag, const std::string& text, std::string& error)
{
    auto seconds = simulate::parse_duration(text);
    if (!seconds) {
        error = flag + ": " + seconds.error().message;
        return std::nullopt;
    }
    return *seconds;
}

bool write_file(const std::filesystem::path& path, const std::string& content, std::string& error)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
        error = "cannot write " + path.string();
        return false;
    }
    return true;
}

int run_simulate(const SimulateFlags& flags)
{
    std::string error;
    const auto lead = duration_flag("--lead", flags.lead, error);
    const auto startup = duration_flag("--pod-startup", flags.pod_startup, error);
    const auto sync = duration_flag("--sync", flags.sync, error);
    const auto refit = duration_flag("--refit", flags.refit, error);
    const auto history = duration_flag("--history", flags.history, error);
    if (!error.empty()) {
        return fail(error);
    }
    const auto rule = model::parse_shift_rule(flags.rule);
    if (!rule) {
        return fail("--rule: " + rule.error().message);
    }
    const auto band = model::parse_shift_band(flags.band);
    if (!band) {
        return fail("--band: " + band.error().message);
    }
    if (flags.min_replicas < 1 || flags.max_replicas < flags.min_replicas) {
        return fail("--min-replicas/--max-replicas: need 1 <= min <= max, got " +
                    std::to_string(flags.min_replicas) + " and " + std::to_string(flags.max_replicas));
    }
    if (flags.html && flags.out.empty()) {
        return fail("--html: needs --out DIR to write the page to");
    }
    const auto seasonality = common::parse_seasonality(flags.seasonality);
    if (!seasonality) {
        return fail("--seasonality: " + seasonality.error());
    }
    model::FitOptions fit_options;
    fit_options.seasonal_periods_seconds = *seasonality;
    auto forecaster = model::make_forecaster(flags.model, fit_options);
    if (!forecaster) {
        return fail("--model: " + forecaster.error().message);
    }
    const auto trace = backtest::read_trace_csv(flags.trace);
    if (!trace) {
        return fail("--trace: " + trace.error().message);
    }
    simulate::SimulationSettings sim;
    sim.sync_seconds = *sync;
    sim.pod_startup_seconds = *startup;
    sim.hpa.min_replicas = flags.min_replicas;
    sim.hpa.max_replicas = flags.max_replicas;
    if (!flags.behavior.empty()) {
        auto behavior = simulate::read_behavior(flags.behavior);
        if (!behavior) {
            return fail("--behavior: " + behavior.error().message);
        }
        sim.hpa.behavior = *behavior;
    }
    if (!flags.schedules.empty()) {
        auto floors = controller::read_schedules_file(flags.schedules, flags.max_replicas);
        if (!floors) {
            return fail("--schedules: " + floors.error());
        }
        sim.hpa.floors = std::move(*floors);
    }
    std::string capacity_source;
    if (flags.per_pod_capacity) {
        sim.per_pod_capacity = *flags.per_pod_capacity;
        capacity_source = "--per-pod-capacity";
    } else if (flags.target_utilization) {
        sim.per_pod_capacity = *flags.target_utilization / 100.0 * *flags.request;
        capacity_source = "--target-utilization " + common::shortest_text(*flags.target_utilization) +
                          " % of --request " + common::shortest_text(*flags.request);
    } else {
        auto capacity = simulate::capacity_for_quantile(trace->series, 0.95, kPodsAtP95);
        if (!capacity) {
            return fail(capacity.error().message);
        }
        sim.per_pod_capacity = *capacity;
        capacity_source = "the trace's 95th percentile needs " + std::to_string(kPodsAtP95) + " pods";
    }

    simulate::RunDescription run;
    run.trace_name = trace->name;
    run.trace_points = trace->series.size();
    run.trace_step_seconds = trace->series.step_seconds;
    run.capacity_source = capacity_source;
    run.model = flags.model;
    run.seasonality = common::format_seasonality(*seasonality);
    run.rule = flags.rule;
    run.band = flags.band;
    run.feed.shift = model::TimeShift{*lead, *rule, *band, std::nullopt};
    run.feed.refit_seconds = *refit;
    run.feed.history_seconds = *history;
    run.simulation = sim;
    simulate::ModelForecastFeed predictive(trace->series, std::move(*forecaster), run.feed);
    simulate::OracleFeed oracle(trace->series, run.feed.shift);
    const simulate::Comparison comparison = simulate::run_comparison(trace->series, sim, predictive, oracle);
    run.feed_stats = predictive.stats();

    const std::string summary = simulate::summary_json(comparison, run).dump(2) + '\n';
    if (!flags.out.empty()) {
        const std::filesystem::path dir(flags.out);
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            return fail("--out: cannot create " + dir.string() + ": " + ec.message());
        }
        const bool written = write_file(dir / "summary.json", summary, error) &&
                             write_file(dir / "timeseries.csv", simulate::timeseries_csv(comparison), error) &&
                             write_file(dir / "plot.svg", simulate::render_svg(comparison, run), error) &&
                             (!flags.html ||
                              write_file(dir / "report.html", simulate::render_html(comparison, run), error));
        if (!written) {
            return fail("--out: " + error);
        }
    }
    std::cout << summary;
    return 0;
}

} // namespace

void add_simulate_command(CLI::App& app, CommandAction& action)
{
    auto flags = std::make_shared<SimulateFlags>();
    auto* cmd = app.add_subcommand(
        "simulate", "Replay a trace through a simulated HPA: reactive vs predictive vs oracle");
    cmd->add_option("--trace", flags->trace, "Trace CSV (timestamp,value), the load that arrives")
        ->required()
        ->check(CLI::ExistingFile);
    auto* capacity = cmd->add_option("--per-pod-capacity", flags->per_pod_capacity,
                                     "Load one pod serves (the AverageValue target)")
                         ->check(CLI::PositiveNumber);
    auto* utilization = cmd->add_option("--target-utilization", flags->target_utilization,
                                        "Target utilization in percent of --request")
                            ->check(CLI::PositiveNumber);
    auto* request = cmd->add_option("--request", flags->request, "Per-pod resource request, in trace units")
                        ->check(CLI::PositiveNumber);
    utilization->needs(request);
    request->needs(utilization);
    capacity->excludes(utilization);
    capacity->excludes(request);
    cmd->add_option("--lead", flags->lead, "Lead time of the forecast entry")->capture_default_str();
    cmd->add_option("--pod-startup", flags->pod_startup, "Pod creation to ready")->capture_default_str();
    cmd->add_option("--sync", flags->sync, "HPA sync period")->capture_default_str();
    cmd->add_option("--refit", flags->refit, "Refit interval in trace time")->capture_default_str();
    cmd->add_option("--history", flags->history, "History window per fit")->capture_default_str();
    cmd->add_option("--rule", flags->rule, "Time-shift rule: point | windowMax")->capture_default_str();
    cmd->add_option("--band", flags->band, "Forecast band: yhat | upper | adjust")->capture_default_str();
    cmd->add_option("--model", flags->model, "Forecasting model (model registry name)")->capture_default_str();
    cmd->add_option("--seasonality", flags->seasonality,
                    "Seasonal periods: auto (detected) | none | daily | weekly | durations, e.g. 1d,7d")
        ->capture_default_str();
    cmd->add_option("--min-replicas", flags->min_replicas, "HPA minReplicas")->capture_default_str();
    cmd->add_option("--max-replicas", flags->max_replicas, "HPA maxReplicas")->capture_default_str();
    cmd->add_option("--behavior", flags->behavior, "autoscaling/v2 behavior block, YAML or JSON")
        ->check(CLI::ExistingFile);
    cmd->add_option("--schedules", flags->schedules,
                    "Scheduled floors as an IHPA's spec.schedules (YAML or JSON: the list, or an IHPA)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--out", flags->out,
                    "Directory for summary.json, timeseries.csv and plot.svg (summary always on stdout)");
    cmd->add_flag("--html", flags->html, "Also write report.html (needs --out)");
    cmd->callback([&action, flags] { action = [flags] { return run_simulate(*flags); }; });
}

} // namespace ihpa::cli
