#include "backtest/backtest.hpp"
#include "cli/command.hpp"
#include "common/seasonality.hpp"
#include "model/registry.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace ihpa::cli {
namespace {

/// The command line of `ihpa backtest`: paths as typed (empty: not given) and the rest.
struct BacktestFlags {
    backtest::BacktestOptions options;
    std::string traces_dir;
    std::string trace_file;
    std::string out_dir;
    std::string forecasts_dir;
    std::string json_path;
    std::string seasonality = "auto";
    bool list_models = false;
};

std::optional<std::filesystem::path> path_or_none(const std::string& text)
{
    return text.empty() ? std::nullopt : std::optional<std::filesystem::path>(text);
}

} // namespace

void add_backtest_command(CLI::App& app, CommandAction& action)
{
    auto* cmd = app.add_subcommand(
        "backtest",
        "Backtest a forecasting model on metric traces with the BT1 protocol (rolling origins, "
        "horizons 1/3/6/12 steps, no look-ahead) and print its scores against the naive "
        "forecast (the value now, as a reactive HPA uses it)");
    // Shared with the callback: CLI11 writes the flags here while parsing.
    auto flags = std::make_shared<BacktestFlags>();
    flags->options.jobs = std::max(1U, std::thread::hardware_concurrency());

    auto* traces = cmd->add_option("--traces", flags->traces_dir,
                                   "Directory of traces: every NAME.csv (header timestamp,value)");
    auto* trace = cmd->add_option("--trace", flags->trace_file,
                                  "A single trace file, e.g. an export of your metric");
    traces->excludes(trace);
    cmd->add_option("--out", flags->out_dir, "Where to write NAME.csv forecasts and timings.csv");
    auto* model = cmd->add_option("--model", flags->options.model, "Forecasting model")
                      ->capture_default_str();
    cmd->add_option("--jobs", flags->options.jobs, "Worker threads (results do not depend on it)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--every", flags->options.every,
                    "Use only every N-th BT1 origin (a quick look: N > 1 is not the BT1 score)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    auto* score_only = cmd->add_flag("--score-only", flags->options.score_only,
                                     "Only score existing forecast files (see --forecasts)");
    model->excludes(score_only);
    cmd->add_option("--seasonality", flags->seasonality,
                    "Seasonal periods: auto (detected) | none | daily | weekly | durations, e.g. "
                    "1d,7d")
        ->capture_default_str()
        ->excludes(score_only);
    cmd->add_option("--forecasts", flags->forecasts_dir,
                    "With --score-only: directory of NAME.csv forecasts [+ timings.csv]");
    cmd->add_option("--json", flags->json_path, "Also write the scores to this file as JSON");
    cmd->add_flag("--list-models", flags->list_models,
                  "Print the names --model accepts, one per line, and exit");

    cmd->callback([&action, flags] {
        flags->options.traces_dir = path_or_none(flags->traces_dir);
        flags->options.trace_file = path_or_none(flags->trace_file);
        flags->options.out_dir = path_or_none(flags->out_dir);
        flags->options.forecasts_dir = path_or_none(flags->forecasts_dir);
        flags->options.json_path = path_or_none(flags->json_path);
        action = [flags] {
            if (flags->list_models) {
                for (const auto& name : model::forecaster_names()) {
                    std::cout << name << '\n';
                }
                return 0;
            }
            auto seasonality = common::parse_seasonality(flags->seasonality);
            if (!seasonality) {
                std::cerr << "ihpa backtest: --seasonality: " << seasonality.error() << '\n';
                return backtest::kExitBadInput;
            }
            flags->options.seasonality = std::move(*seasonality);
            return backtest::run_backtest(flags->options, std::cout, std::cerr);
        };
    });
}

} // namespace ihpa::cli
