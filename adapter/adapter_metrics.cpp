#include "adapter/adapter_metrics.hpp"

#include <array>
#include <sstream>
#include <string_view>
#include <vector>

namespace ihpa::adapter {
namespace {

std::string escape(const std::string& value)
{
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

/// One gauge family: header once, then its samples.
class Family {
public:
    Family(std::ostringstream& out, const char* name, const char* help, const char* type = "gauge")
        : out_(out), name_(name)
    {
        out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    }
    void sample(const std::string& labels, double value)
    {
        out_ << name_ << '{' << labels << "} " << value << '\n';
    }
    /// The family's only sample, without labels.
    void sample(double value) { out_ << name_ << ' ' << value << '\n'; }

private:
    std::ostringstream& out_;
    const char* name_;
};

double seconds_since_epoch(std::chrono::system_clock::time_point time)
{
    return std::chrono::duration<double>(time.time_since_epoch()).count();
}

} // namespace

std::string render_adapter_metrics(const ForecastRegistry& registry,
                                   std::chrono::system_clock::time_point now)
{
    std::ostringstream out;
    out.precision(12);
    struct Row {
        std::string labels;
        ForecastStatus status;
    };
    std::vector<Row> rows;
    for (const auto& forecast : registry.forecasts()) {
        rows.push_back({"forecast=\"" + escape(forecast_id(forecast->config())) + "\",metric=\"" +
                            escape(forecast->config().name) + "\"",
                        forecast->status()});
    }
    Family latest(out, "ihpa_forecast_latest_value", "Latest observed value of the forecast's series.");
    for (const Row& row : rows) {
        if (row.status.latest) {
            latest.sample(row.labels, row.status.latest->value);
        }
    }
    Family points(out, "ihpa_forecast_history_points",
                  "Observed values in the forecast's history window.");
    for (const Row& row : rows) {
        points.sample(row.labels, static_cast<double>(row.status.points));
    }
    Family age(out, "ihpa_forecast_data_age_seconds", "Age of the newest observation.");
    for (const Row& row : rows) {
        if (row.status.latest) {
            age.sample(row.labels, std::chrono::duration<double>(now - row.status.latest->time).count());
        }
    }
    Family served(out, "ihpa_forecast_served_value", "Value last served for the forecast.");
    for (const Row& row : rows) {
        if (row.status.served) {
            served.sample(row.labels, *row.status.served);
        }
    }
    Family state(out, "ihpa_forecast_state",
                 "1 for the rule that produced the last served value (forecast, coldStart, "
                 "notFitted, stale, unavailable).");
    constexpr std::array kStates{ServingState::Forecast, ServingState::ColdStart,
                                 ServingState::NotFitted, ServingState::Stale,
                                 ServingState::Unavailable};
    for (const Row& row : rows) {
        for (const ServingState s : kStates) {
            state.sample(row.labels + ",state=\"" + to_string(s) + "\"", row.status.state == s ? 1 : 0);
        }
    }
    Family model(out, "ihpa_forecast_model_info", "The model in use (1).");
    for (const Row& row : rows) {
        if (!row.status.model.empty()) {
            model.sample(row.labels + ",model=\"" + escape(row.status.model) + "\"", 1);
        }
    }
    Family last_fit(out, "ihpa_forecast_last_fit_timestamp_seconds", "When the model in use was fitted.");
    for (const Row& row : rows) {
        if (row.status.last_fit) {
            last_fit.sample(row.labels, seconds_since_epoch(*row.status.last_fit));
        }
    }
    Family rel_mae(out, "ihpa_forecast_rel_mae",
                   "Live relMAE of the forecast for now+lead against the value at the time of "
                   "forecasting (below 1 beats using the current value), last 288 predictions.");
    Family coverage(out, "ihpa_forecast_coverage",
                    "Share of actuals inside the forecast's 10-90 % band, last 288 predictions.");
    for (const Row& row : rows) {
        if (row.status.rel_mae) {
            rel_mae.sample(row.labels, *row.status.rel_mae);
        }
    }
    for (const Row& row : rows) {
        if (row.status.coverage) {
            coverage.sample(row.labels, *row.status.coverage);
        }
    }
    Family traffic_r2(out, "ihpa_forecast_traffic_r2",
                      "Held-out R² of the traffic model of a traffic-driven forecast (below its minR2 the "
                      "usage is forecast directly).");
    for (const Row& row : rows) {
        if (row.status.traffic_r2) {
            traffic_r2.sample(row.labels, *row.status.traffic_r2);
        }
    }
    const auto pollers = registry.pollers();
    Family up(out, "ihpa_source_up", "1 when the source's last poll succeeded.");
    for (const auto& poller : pollers) {
        up.sample("source=\"" + escape(poller->source_name()) + "\"",
                  poller->status().consecutive_failures == 0 ? 1 : 0);
    }
    Family errors(out, "ihpa_source_poll_errors_total", "Poll rounds that failed.", "counter");
    for (const auto& poller : pollers) {
        errors.sample("source=\"" + escape(poller->source_name()) + "\"",
                      static_cast<double>(poller->status().errors));
    }
    Family backfilled(out, "ihpa_source_backfilled_points_total",
                      "Points recorded from range queries (start-up and gaps).", "counter");
    for (const auto& poller : pollers) {
        backfilled.sample("source=\"" + escape(poller->source_name()) + "\"",
                          static_cast<double>(poller->status().backfilled_points));
    }
    return out.str();
}

std::string render_log_metrics(const LogStats& stats, const LogReplay& replay)
{
    struct Row {
        const char* name; ///< a name ending in `_total` is a counter, any other a gauge
        const char* help;
        double value;
    };
    const auto n = [](auto count) { return static_cast<double>(count); };
    const Row rows[] = {
        {"ihpa_wal_appends_total", "Poll rounds appended and made durable.", n(stats.appends)},
        {"ihpa_wal_append_failures_total", "Appends that failed.", n(stats.append_failures)},
        {"ihpa_wal_bytes_total", "Bytes appended to the history log.", n(stats.bytes)},
        {"ihpa_wal_append_seconds_total", "Time in write + fdatasync.", stats.append_seconds},
        {"ihpa_wal_segments", "History log segments on disk.", n(stats.segments)},
        {"ihpa_wal_replayed_segments", "Log segments read at start.", n(replay.segments)},
        {"ihpa_wal_replayed_points", "Points replayed from the log at start.", n(replay.points)},
        {"ihpa_wal_replay_skipped_points", "Logged points the snapshot held.", n(replay.skipped)},
        {"ihpa_wal_replay_torn_segments", "Segments whose torn tail was cut.", n(replay.torn)},
        {"ihpa_wal_replay_corrupt_segments", "Segments renamed aside.", n(replay.set_aside)},
    };
    std::ostringstream out;
    out.precision(12);
    for (const Row& row : rows) {
        const bool counter = std::string_view(row.name).ends_with("_total");
        Family(out, row.name, row.help, counter ? "counter" : "gauge").sample(row.value);
    }
    return out.str();
}

} // namespace ihpa::adapter
