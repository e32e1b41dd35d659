#include "simulate/oracle_feed.hpp"

#include "simulate/trace.hpp"

namespace ihpa::simulate {

OracleFeed::OracleFeed(const model::Series& trace, std::int64_t lead_seconds, LeadRule rule)
    : trace_(trace), lead_seconds_(lead_seconds), rule_(rule)
{
}

ForecastReading OracleFeed::read(std::int64_t now)
{
    const double value = apply_lead_rule(rule_, now, lead_seconds_, trace_.start, trace_.step_seconds,
                                         [this](double t) { return load_at(trace_, t); });
    return {value, value, value};
}

} // namespace ihpa::simulate
