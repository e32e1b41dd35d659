#include "model/time_shift.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::model {
namespace {

ModelError invalid(std::string message)
{
    return ModelError{ModelError::Kind::InvalidSpec, std::move(message)};
}

/// The knots of one path: knots[0] is the origin value, knots[h] the horizon-h value.
Eigen::VectorXd knots_of(double origin_value, const Eigen::VectorXd& path)
{
    Eigen::VectorXd knots(path.size() + 1);
    knots[0] = origin_value;
    knots.tail(path.size()) = path;
    return knots;
}

/// The piecewise-linear path through `knots` at fractional step position `p` (clamped at 0).
double value_at(const Eigen::VectorXd& knots, double p)
{
    if (p <= 0.0) {
        return knots[0];
    }
    const auto last = knots.size() - 1;
    const auto k = std::min(static_cast<Eigen::Index>(std::floor(p)), last);
    if (k == last) {
        return knots[last];
    }
    const double frac = p - static_cast<double>(k);
    return knots[k] + frac * (knots[k + 1] - knots[k]);
}

/// The latest finite observation of `observed` in (origin, now], if any.
std::optional<std::pair<std::int64_t, double>> latest_after(const Series& observed,
                                                            std::int64_t origin, std::int64_t now)
{
    for (Eigen::Index i = observed.size() - 1; i >= 0; --i) {
        const std::int64_t t = observed.time_at(i);
        if (t <= origin) {
            break;
        }
        if (t <= now && std::isfinite(observed.values[i])) {
            return std::pair{t, observed.values[i]};
        }
    }
    return std::nullopt;
}

} // namespace

std::expected<ShiftRule, ModelError> parse_shift_rule(std::string_view name)
{
    if (name == "point") {
        return ShiftRule::Point;
    }
    if (name == "windowMax") {
        return ShiftRule::WindowMax;
    }
    return std::unexpected(
        invalid("unknown rule \"" + std::string(name) + "\" (known: point, windowMax)"));
}

std::expected<ShiftBand, ModelError> parse_shift_band(std::string_view name)
{
    if (name == "yhat") {
        return ShiftBand::Yhat;
    }
    if (name == "upper") {
        return ShiftBand::Upper;
    }
    if (name == "adjust") {
        return ShiftBand::Adjust;
    }
    return std::unexpected(
        invalid("unknown band \"" + std::string(name) + "\" (known: yhat, upper, adjust)"));
}

std::expected<AnchoredForecast, ModelError>
anchor_forecast(const FittedModel& model, const Series& fitted, std::int64_t until)
{
    if (fitted.step_seconds <= 0) {
        return std::unexpected(invalid("the series step must be positive"));
    }
    Eigen::Index last = fitted.size() - 1;
    while (last >= 0 && !std::isfinite(fitted.values[last])) {
        --last;
    }
    if (last < 0) {
        return std::unexpected(
            ModelError{ModelError::Kind::NotEnoughData, "the fitted series has no finite value"});
    }
    const std::int64_t origin = fitted.time_at(fitted.size() - 1);
    const std::int64_t ahead = std::max<std::int64_t>(until - origin, 1);
    const auto steps = static_cast<Eigen::Index>((ahead + fitted.step_seconds - 1) /
                                                 fitted.step_seconds);
    return AnchoredForecast{origin, fitted.step_seconds, fitted.values[last],
                            model.forecast(steps)};
}

std::expected<double, ModelError> served_value(const AnchoredForecast& anchored,
                                               const Series& observed, std::int64_t now,
                                               const TimeShift& shift)
{
    if (shift.lead_seconds < 0) {
        return std::unexpected(invalid("leadTime must not be negative"));
    }
    if (anchored.step_seconds <= 0) {
        return std::unexpected(invalid("the forecast step must be positive"));
    }
    if (shift.floor && !std::isfinite(*shift.floor)) {
        return std::unexpected(invalid("floor must be finite"));
    }
    const auto step = static_cast<double>(anchored.step_seconds);
    const auto position = [&](std::int64_t t) {
        return static_cast<double>(t - anchored.origin) / step;
    };
    const Forecast& f = anchored.forecast;
    const double end = position(now + shift.lead_seconds);
    if (end > static_cast<double>(f.mean.size())) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData,
                                          "the forecast does not reach now + leadTime"});
    }
    const Eigen::VectorXd mean = knots_of(anchored.origin_value, f.mean);
    const Eigen::VectorXd upper = knots_of(anchored.origin_value, f.upper);
    Eigen::VectorXd knots;
    switch (shift.band) {
    case ShiftBand::Yhat:
        knots = mean;
        break;
    case ShiftBand::Upper:
        knots = upper;
        break;
    case ShiftBand::Adjust: {
        const auto latest = latest_after(observed, anchored.origin, now);
        const double error = latest ? latest->second - value_at(mean, position(latest->first))
                                    : 0.0;
        knots = (mean.array() + std::max(error, 0.0)).min(upper.array()).max(mean.array());
        break;
    }
    }
    const double start = position(now);
    double value = value_at(knots, end);
    if (shift.rule == ShiftRule::WindowMax) {
        value = std::max(value, value_at(knots, start));
        for (auto h = static_cast<Eigen::Index>(std::max(std::floor(start) + 1.0, 0.0));
             static_cast<double>(h) < end; ++h) {
            value = std::max(value, knots[h]);
        }
    }
    value = std::max(value, 0.0);
    return shift.floor ? std::max(value, *shift.floor) : value;
}

} // namespace ihpa::model
