#include "simulate/oracle_feed.hpp"

#include "model/serving.hpp"
#include "simulate/trace.hpp"

#include <algorithm>
#include <cassert>

namespace ihpa::simulate {

OracleFeed::OracleFeed(const model::Series& trace, model::TimeShift shift) : trace_(trace), shift_(shift)
{
    shift_.band = model::ShiftBand::Yhat;
}

ForecastReading OracleFeed::read(std::int64_t now)
{
    // The "forecast" anchored at the latest sample is the trace itself from there on, held at
    // the last value past the end, exactly like `load_at`.
    const Eigen::Index origin = std::max<Eigen::Index>(samples_until(trace_, now) - 1, 0);
    const std::int64_t ahead = now + shift_.lead_seconds - trace_.time_at(origin);
    const auto steps = static_cast<Eigen::Index>(ahead / trace_.step_seconds + 1);
    model::AnchoredForecast truth;
    truth.origin = trace_.time_at(origin);
    truth.step_seconds = trace_.step_seconds;
    truth.origin_value = trace_.values[origin];
    truth.forecast.mean.resize(steps);
    for (Eigen::Index h = 1; h <= steps; ++h) {
        truth.forecast.mean[h - 1] = trace_.values[std::min(origin + h, trace_.size() - 1)];
    }
    truth.forecast.lower = truth.forecast.mean;
    truth.forecast.upper = truth.forecast.mean;
    const auto shifted = model::shifted_value(truth, model::Series{}, now, shift_);
    assert(shifted && "the truth covers now + lead by construction");
    const double value = model::clamp_served(shift_, *shifted);
    return {value, value, value};
}

} // namespace ihpa::simulate
