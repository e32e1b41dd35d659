#include "model/time_shift.hpp"

#include <algorithm>
#include <cmath>

namespace ihpa::model {
namespace {

ModelError invalid(std::string message)
{
    return ModelError{ModelError::Kind::InvalidSpec, std::move(message)};
}

/// One path of a forecast as knots: knot 0 is the origin value, knot h the horizon-h value.
/// A view over the forecast's vector, so reading a path allocates nothing.
class Knots {
public:
    Knots(double origin_value, const Eigen::VectorXd& path) : origin_value_(origin_value), path_(path)
    {
    }
    [[nodiscard]] double operator()(Eigen::Index k) const
    {
        return k == 0 ? origin_value_ : path_[k - 1];
    }

private:
    double origin_value_;
    const Eigen::VectorXd& path_;
};

/// The piecewise-linear path through `knot(0..last)` (a `Knots` or a callable like it) at
/// fractional step position `p`, held at the first and the last knot outside them.
template <class Knot>
double value_at(const Knot& knot, Eigen::Index last, double p)
{
    if (p <= 0.0) {
        return knot(0);
    }
    const auto k = std::min(static_cast<Eigen::Index>(std::floor(p)), last);
    if (k == last) {
        return knot(last);
    }
    const double frac = p - static_cast<double>(k);
    return knot(k) + frac * (knot(k + 1) - knot(k));
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

const char* to_string(ShiftRule rule)
{
    return rule == ShiftRule::Point ? "point" : "windowMax";
}

const char* to_string(ShiftBand band)
{
    switch (band) {
    case ShiftBand::Yhat:
        return "yhat";
    case ShiftBand::Upper:
        return "upper";
    case ShiftBand::Adjust:
        break;
    }
    return "adjust";
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

std::expected<double, ModelError> shifted_value(const AnchoredForecast& anchored,
                                                const Series& observed, std::int64_t now,
                                                const TimeShift& shift)
{
    if (shift.lead_seconds < 0) {
        return std::unexpected(invalid("leadTime must not be negative"));
    }
    if (anchored.step_seconds <= 0) {
        return std::unexpected(invalid("the forecast step must be positive"));
    }
    const auto step = static_cast<double>(anchored.step_seconds);
    const auto position = [&](std::int64_t t) {
        return static_cast<double>(t - anchored.origin) / step;
    };
    const Forecast& f = anchored.forecast;
    const Eigen::Index last = f.mean.size();
    const double end = position(now + shift.lead_seconds);
    if (end > static_cast<double>(last)) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData,
                                          "the forecast does not reach now + leadTime"});
    }
    const Knots mean(anchored.origin_value, f.mean);
    const Knots upper(anchored.origin_value, f.upper);
    double lift = 0.0; // Adjust: the latest observed error above the forecast
    if (shift.band == ShiftBand::Adjust) {
        if (const auto latest = latest_after(observed, anchored.origin, now)) {
            lift = std::max(latest->second - value_at(mean, last, position(latest->first)), 0.0);
        }
    }
    const auto knot = [&](Eigen::Index k) {
        switch (shift.band) {
        case ShiftBand::Yhat:
            break;
        case ShiftBand::Upper:
            return upper(k);
        case ShiftBand::Adjust:
            return std::max(std::min(mean(k) + lift, upper(k)), mean(k));
        }
        return mean(k);
    };
    const double start = position(now);
    double value = value_at(knot, last, end);
    if (shift.rule == ShiftRule::WindowMax) {
        value = std::max(value, value_at(knot, last, start));
        for (auto h = static_cast<Eigen::Index>(std::max(std::floor(start) + 1.0, 0.0));
             static_cast<double>(h) < end; ++h) {
            value = std::max(value, knot(h));
        }
    }
    return value;
}

std::expected<BandValue, ModelError> band_at(const AnchoredForecast& anchored, std::int64_t t)
{
    const Forecast& f = anchored.forecast;
    if (anchored.step_seconds <= 0) {
        return std::unexpected(invalid("the forecast step must be positive"));
    }
    const double p = static_cast<double>(t - anchored.origin) /
                     static_cast<double>(anchored.step_seconds);
    if (p > static_cast<double>(f.lower.size())) {
        return std::unexpected(
            ModelError{ModelError::Kind::NotEnoughData, "the forecast does not reach the time"});
    }
    const Knots lower(anchored.origin_value, f.lower);
    const Knots upper(anchored.origin_value, f.upper);
    return BandValue{value_at(lower, f.lower.size(), p), value_at(upper, f.upper.size(), p)};
}

} // namespace ihpa::model
