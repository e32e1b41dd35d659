#include "model/validated_fit.hpp"

#include "model/seasonality.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ihpa::model {
namespace {

/// Linear-interpolated empirical quantile (Hyndman & Fan 1996, type 7) of `values`, q in [0, 1].
double empirical_quantile(std::vector<double>& values, double q)
{
    const double pos = q * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, values.size() - 1);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo),
                     values.end());
    const double at_lo = values[lo];
    const double at_hi =
        hi == lo ? at_lo
                 : *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(hi),
                                     values.end());
    return at_lo + (pos - static_cast<double>(lo)) * (at_hi - at_lo);
}

class ValidatedFit final : public FittedModel {
public:
    ValidatedFit(std::shared_ptr<const MeanPath> path, BandOffsets band, FitStats stats)
        : path_(std::move(path)), band_(std::move(band)), stats_(std::move(stats))
    {
    }

    Forecast forecast(Eigen::Index steps) const override
    {
        steps = std::max<Eigen::Index>(steps, 1);
        Forecast out{path_->mean(steps), Eigen::VectorXd(steps), Eigen::VectorXd(steps)};
        const Eigen::Index validated = band_.lower.size();
        for (Eigen::Index h = 1; h <= steps; ++h) {
            double lo = 0.0;
            double hi = 0.0;
            if (h <= validated) {
                lo = band_.lower[h - 1];
                hi = band_.upper[h - 1];
            } else if (validated > 0) {
                const double growth =
                    std::sqrt(static_cast<double>(h) / static_cast<double>(validated));
                lo = band_.lower[validated - 1] * growth;
                hi = band_.upper[validated - 1] * growth;
            }
            out.lower[h - 1] = out.mean[h - 1] + std::min(lo, 0.0);
            out.upper[h - 1] = out.mean[h - 1] + std::max(hi, 0.0);
        }
        return out;
    }

    const FitStats& stats() const override { return stats_; }

private:
    std::shared_ptr<const MeanPath> path_;
    BandOffsets band_;
    FitStats stats_;
};

} // namespace

std::expected<FitData, ModelError> prepare_fit_data(const Series& series, const FitOptions& options)
{
    if (series.step_seconds <= 0) {
        return std::unexpected(
            ModelError{ModelError::Kind::InvalidSpec, "the series step must be positive"});
    }
    const Eigen::Index keep = std::min<Eigen::Index>(
        series.size(),
        std::max<Eigen::Index>(1, static_cast<Eigen::Index>(options.max_history_seconds /
                                                            series.step_seconds)));
    auto prepared = apply_gap_policy(series.values.tail(keep), options.gaps);
    if (!prepared) {
        return std::unexpected(prepared.error());
    }
    const Eigen::Index n = prepared->values.size();
    const Eigen::Index wanted = std::max<Eigen::Index>(
        options.min_validation,
        static_cast<Eigen::Index>(options.validation_seconds / series.step_seconds));
    const Eigen::Index validation = std::min<Eigen::Index>(
        wanted, static_cast<Eigen::Index>(static_cast<double>(n) * options.max_validation_share));
    FitData data{std::move(*prepared), series.step_seconds, n - validation, {}, false};
    const SeasonalityOptions seasonality;
    if (options.seasonal_periods_seconds) {
        data.periods = fixed_periods(n, series.step_seconds, *options.seasonal_periods_seconds,
                                     seasonality.min_cycles);
        data.periods_set = true;
    } else {
        data.periods = detect_periods(data.prepared.values, series.step_seconds, seasonality);
    }
    return data;
}

ComponentInput component_input(const FitData& data, const FitOptions& options)
{
    return ComponentInput{data.prepared.values, data.prepared.weight, data.n_fit,
                          options.horizons,     data.step_seconds,     data.periods,
                          !data.periods_set};
}

BandOffsets conformal_offsets(const Eigen::MatrixXd& validation,
                              const Eigen::Ref<const Eigen::VectorXd>& y,
                              const Eigen::Ref<const Eigen::VectorXd>& weight, Eigen::Index n_fit,
                              double scale)
{
    const Eigen::Index horizons = validation.cols();
    BandOffsets band{Eigen::VectorXd::Zero(horizons), Eigen::VectorXd::Zero(horizons)};
    std::vector<double> errors;
    errors.reserve(static_cast<std::size_t>(validation.rows()));
    for (Eigen::Index h = 1; h <= horizons; ++h) {
        errors.clear();
        for (Eigen::Index k = 0; k < validation.rows(); ++k) {
            const Eigen::Index target = n_fit - 1 + k + h;
            if (target < y.size() && weight[target] > 0.0) {
                errors.push_back(y[target] - validation(k, h - 1));
            }
        }
        if (errors.size() < 2) {
            continue;
        }
        band.lower[h - 1] = std::min(0.0, scale * empirical_quantile(errors, 0.1));
        band.upper[h - 1] = std::max(0.0, scale * empirical_quantile(errors, 0.9));
    }
    return band;
}

std::shared_ptr<const FittedModel> make_validated_fit(std::shared_ptr<const MeanPath> path,
                                                      BandOffsets band, FitStats stats)
{
    return std::make_shared<const ValidatedFit>(std::move(path), std::move(band),
                                                std::move(stats));
}

std::expected<std::shared_ptr<const FittedModel>, ModelError>
fit_component(const Component& component, const Series& series, const FitOptions& options)
{
    const auto data = prepare_fit_data(series, options);
    if (!data) {
        return std::unexpected(data.error());
    }
    const ComponentInput input = component_input(*data, options);
    auto run = component.run(input);
    if (!run) {
        return std::unexpected(run.error());
    }
    BandOffsets band = conformal_offsets(run->validation, input.y, input.weight, input.n_fit,
                                         options.band_scale);
    return make_validated_fit(std::move(run->final_path), std::move(band), std::move(run->stats));
}

ComponentForecaster::ComponentForecaster(std::shared_ptr<const Component> component,
                                         FitOptions options)
    : component_(std::move(component)), options_(std::move(options))
{
}

std::expected<std::shared_ptr<const FittedModel>, ModelError>
ComponentForecaster::fit(const Series& series) const
{
    return fit_component(*component_, series, options_);
}

} // namespace ihpa::model
