#include "backtest/backtest.hpp"

#include "backtest/bt1_score.hpp"
#include "backtest/forecast_csv.hpp"
#include "backtest/report.hpp"
#include "backtest/runner.hpp"
#include "backtest/timings_csv.hpp"
#include "backtest/trace_set.hpp"
#include "common/file.hpp"
#include "model/registry.hpp"

#include <algorithm>
#include <expected>
#include <ostream>
#include <system_error>
#include <vector>

namespace ihpa::backtest {
namespace {

/// The traces' and scores' bookkeeping shared by both modes.
struct Scored {
    std::vector<TraceScore> scores;
    std::map<std::string, std::string> errors;
    std::map<std::string, TraceTiming> timings;
};

std::expected<void, BacktestError> check_options(const BacktestOptions& options)
{
    if (options.traces_dir.has_value() == options.trace_file.has_value()) {
        return std::unexpected(BacktestError{"give either --traces DIR or --trace FILE"});
    }
    if (options.score_only && !options.forecasts_dir) {
        return std::unexpected(BacktestError{"--score-only needs --forecasts DIR"});
    }
    if (!options.score_only && options.forecasts_dir) {
        return std::unexpected(BacktestError{"--forecasts DIR is only read with --score-only"});
    }
    if (!options.score_only && !options.out_dir) {
        return std::unexpected(BacktestError{"--out DIR is required (the forecasts go there)"});
    }
    if (options.score_only && options.out_dir) {
        return std::unexpected(BacktestError{"--out DIR is not written with --score-only"});
    }
    if (options.jobs < 1 || options.every < 1) {
        return std::unexpected(BacktestError{"--jobs and --every must be at least 1"});
    }
    if (!options.score_only) {
        const auto names = model::forecaster_names();
        if (std::find(names.begin(), names.end(), options.model) == names.end()) {
            std::string known;
            for (const auto& name : names) {
                known += (known.empty() ? "" : ", ") + name;
            }
            return std::unexpected(BacktestError{"unknown model \"" + options.model +
                                                 "\"; registered models: " + known});
        }
    }
    return {};
}

std::expected<std::vector<Trace>, BacktestError> load_traces(const BacktestOptions& options)
{
    if (options.trace_file) {
        return read_traces({*options.trace_file});
    }
    const auto files = list_trace_files(*options.traces_dir);
    if (!files) {
        return std::unexpected(files.error());
    }
    return read_traces(*files);
}

/// Refuses an output directory that holds one of the traces: writing would overwrite it.
std::expected<void, BacktestError> check_out_dir(const std::filesystem::path& out_dir,
                                                 const std::vector<Trace>& traces)
{
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
        return std::unexpected(
            BacktestError{out_dir.string() + ": cannot create directory (" + ec.message() + ")"});
    }
    for (const auto& trace : traces) {
        const auto trace_dir = trace.path.has_parent_path() ? trace.path.parent_path() : ".";
        if (std::filesystem::equivalent(out_dir, trace_dir, ec)) {
            return std::unexpected(BacktestError{
                out_dir.string() + ": is the directory of the traces; the forecasts would "
                                   "overwrite them (give another --out)"});
        }
    }
    return {};
}

/// The file beside the forecasts that names the model fitted at each origin.
constexpr std::string_view kModelsFile = "models.tsv";

/// `models.tsv`: a header, then `trace<TAB>origin<TAB>description` per origin of every trace
/// that ran (descriptions hold commas, never tabs or newlines).
std::string format_models_tsv(const std::vector<Trace>& traces,
                              const std::vector<std::expected<TraceRun, BacktestError>>& runs)
{
    std::string text = "trace\torigin\tmodel\n";
    for (std::size_t t = 0; t < traces.size(); ++t) {
        if (!runs[t]) {
            continue;
        }
        for (std::size_t k = 0; k < runs[t]->models.size(); ++k) {
            text += traces[t].name + '\t' + std::to_string(runs[t]->forecasts.origins[k]) + '\t' +
                    runs[t]->models[k] + '\n';
        }
    }
    return text;
}

/// Forecast mode: fits the model at every origin, writes the forecasts, the timings and the
/// fitted models.
std::expected<Scored, BacktestError> forecast_and_score(const BacktestOptions& options,
                                                        const std::vector<Trace>& traces,
                                                        std::ostream& err)
{
    const auto checked = check_out_dir(*options.out_dir, traces);
    if (!checked) {
        return std::unexpected(checked.error());
    }
    model::FitOptions fit_options;
    fit_options.seasonal_periods_seconds = options.seasonality;
    const auto forecaster = model::make_forecaster(options.model, fit_options);
    if (!forecaster) {
        return std::unexpected(BacktestError{forecaster.error().message});
    }
    auto runs = run_forecasts(**forecaster, traces, RunOptions{options.jobs, options.every});
    Scored scored;
    for (std::size_t t = 0; t < traces.size(); ++t) {
        const auto path = *options.out_dir / (traces[t].name + ".csv");
        if (!runs[t]) {
            err << "FAILED " << runs[t].error().message << '\n';
            scored.errors[traces[t].name] = runs[t].error().message;
            std::error_code ec;
            std::filesystem::remove(path, ec); // a stale file must not be scored later
            continue;
        }
        const auto written = write_forecast_csv(path, runs[t]->forecasts);
        if (!written) {
            return std::unexpected(written.error());
        }
        scored.timings[traces[t].name] = runs[t]->timing;
        scored.scores.push_back(
            score_trace(traces[t].name, traces[t].series.values, runs[t]->forecasts));
    }
    for (const auto& [file, text] :
         {std::pair{std::string(kTimingsFile), format_timings_csv(scored.timings)},
          std::pair{std::string(kModelsFile), format_models_tsv(traces, runs)}}) {
        const auto written = with_backtest_error(common::write_file(*options.out_dir / file, text));
        if (!written) {
            return std::unexpected(written.error());
        }
    }
    return scored;
}

/// Score-only mode: reads and validates forecast files made by any tool.
std::expected<Scored, BacktestError> score_existing(const BacktestOptions& options,
                                                    const std::vector<Trace>& traces,
                                                    std::ostream& err)
{
    auto timings = read_timings_csv(*options.forecasts_dir);
    if (!timings) {
        return std::unexpected(timings.error());
    }
    Scored scored{{}, {}, std::move(*timings)};
    for (const auto& trace : traces) {
        const auto origins = plan_origins(trace.series.size(), options.every).origins;
        const auto forecasts =
            read_forecast_csv(*options.forecasts_dir / (trace.name + ".csv"), origins);
        if (!forecasts) {
            err << "INVALID " << forecasts.error().message << '\n';
            scored.errors[trace.name] = forecasts.error().message;
            continue;
        }
        scored.scores.push_back(score_trace(trace.name, trace.series.values, *forecasts));
    }
    return scored;
}

} // namespace

int run_backtest(const BacktestOptions& options, std::ostream& out, std::ostream& err)
{
    const auto fail = [&err](const BacktestError& error) {
        err << "ihpa backtest: " << error.message << '\n';
        return kExitBadInput;
    };
    if (const auto checked = check_options(options); !checked) {
        return fail(checked.error());
    }
    const auto traces = load_traces(options);
    if (!traces) {
        return fail(traces.error());
    }
    const auto scored = options.score_only ? score_existing(options, *traces, err)
                                           : forecast_and_score(options, *traces, err);
    if (!scored) {
        return fail(scored.error());
    }
    const SetScore set = score_set(scored->scores, scored->errors, scored->timings);
    if (options.score_only) {
        out << "BT1 scores of the forecasts in " << options.forecasts_dir->string() << " ("
            << traces->size() << " trace(s))\n";
    } else {
        out << "BT1 backtest of model " << options.model << " on " << traces->size()
            << " trace(s), " << options.jobs << " job(s); forecasts in "
            << options.out_dir->string() << '\n';
    }
    if (options.every > 1) {
        out << "note: only every " << options.every
            << "th BT1 origin was used: a quick look, not the BT1 score\n";
    }
    out << format_score_table(set);
    if (options.json_path) {
        const auto written = with_backtest_error(
            common::write_file(*options.json_path, score_json(set).dump(1) + "\n"));
        if (!written) {
            return fail(written.error());
        }
    }
    return set.errors.empty() ? kExitOk : kExitInvalidForecast;
}

} // namespace ihpa::backtest
