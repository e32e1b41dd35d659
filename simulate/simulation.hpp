#pragma once

#include "model/series.hpp"
#include "simulate/forecast_feed.hpp"
#include "simulate/hpa.hpp"

#include <cstdint>
#include <vector>

namespace ihpa::simulate {

/// How the workload and its HPA are simulated (one side).
struct SimulationSettings {
    double per_pod_capacity = 1.0;          ///< AverageValue target: load one pod serves, > 0
    std::int64_t sync_seconds = 15;         ///< HPA sync period, > 0
    std::int64_t pod_startup_seconds = 180; ///< creation to ready, >= 0
    HpaSpec hpa;                            ///< min/max replicas and behavior
};

/// One HPA sync at `time` and the interval [time, time + sync) that follows it.
struct Tick {
    std::int64_t time = 0;
    double demand = 0.0;   ///< load arriving in the interval (its value at the midpoint)
    double observed = 0.0; ///< the metric the HPA read
    /// The forecast entry the HPA read and its band; NaN on a side without forecast.
    ForecastReading forecast;
    int replicas = 0;      ///< pods after this sync's decision, ready or not
    int ready = 0;         ///< pods ready at the interval's midpoint
    bool scaled = false;   ///< this sync changed the replica count
};

/// Runs one side over the whole trace: an HPA syncing every `sync_seconds` from the first
/// sample up to the last one, reading the observed metric and, when `forecast` is not null,
/// also the forecast entry (max over both, each an AverageValue = per-pod capacity).
///
/// Modelling choices:
/// - Load between samples is the linear interpolation of the trace: the samples are
///   measurements of a load that changes continuously, and step-hold would make every change
///   an instantaneous jump that the scraper sees the moment it happens.
/// - The metric is the latest sample at or before the sync (a scraper with no collection
///   delay): the reactive baseline is given the freshest data the trace has.
/// - The workload starts with the replicas the first sample asks for, all ready; pods made by
///   a scale-up are ready `pod_startup_seconds` later; a scale-down removes pods at once.
/// Deterministic: the same inputs give the same ticks.
[[nodiscard]] std::vector<Tick> simulate_side(const model::Series& trace,
                                              const SimulationSettings& settings,
                                              ForecastSource* forecast);

} // namespace ihpa::simulate
