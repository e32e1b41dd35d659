#include "model/auto_ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace ihpa::model {
namespace {

/// The weighted sum of the candidates' paths, with the weights of the last validated horizon
/// beyond it.
class CombinedPath final : public MeanPath {
public:
    CombinedPath(std::vector<std::shared_ptr<const MeanPath>> paths, Eigen::MatrixXd weights)
        : paths_(std::move(paths)), weights_(std::move(weights))
    {
    }

    Eigen::VectorXd mean(Eigen::Index steps) const override
    {
        Eigen::VectorXd out = Eigen::VectorXd::Zero(steps);
        const Eigen::Index last = weights_.cols() - 1;
        for (std::size_t c = 0; c < paths_.size(); ++c) {
            const auto row = static_cast<Eigen::Index>(c);
            if (weights_.row(row).maxCoeff() <= 0.0) {
                continue;
            }
            const Eigen::VectorXd path = paths_[c]->mean(steps);
            for (Eigen::Index h = 0; h < steps; ++h) {
                out[h] += weights_(row, std::min(h, last)) * path[h];
            }
        }
        return out;
    }

private:
    std::vector<std::shared_ptr<const MeanPath>> paths_;
    Eigen::MatrixXd weights_;
};

/// Mean absolute validation error per horizon of one run.
Eigen::VectorXd validation_mae(const Eigen::MatrixXd& validation, const ComponentInput& input)
{
    Eigen::VectorXd mae = Eigen::VectorXd::Zero(validation.cols());
    for (Eigen::Index h = 1; h <= validation.cols(); ++h) {
        double sum = 0.0;
        double count = 0.0;
        for (Eigen::Index k = 0; k < validation.rows(); ++k) {
            const Eigen::Index target = input.n_fit - 1 + k + h;
            if (target < input.y.size() && input.weight[target] > 0.0) {
                sum += std::abs(input.y[target] - validation(k, h - 1));
                count += 1.0;
            }
        }
        mae[h - 1] = count > 0.0 ? sum / count : 0.0;
    }
    return mae;
}

} // namespace

Eigen::MatrixXd combination_weights(const Eigen::MatrixXd& mae, const AutoParams& params)
{
    Eigen::MatrixXd weights = Eigen::MatrixXd::Zero(mae.rows(), mae.cols());
    for (Eigen::Index h = 0; h < mae.cols(); ++h) {
        double best = std::numeric_limits<double>::infinity();
        Eigen::Index best_row = 0;
        for (Eigen::Index c = 0; c < mae.rows(); ++c) {
            if (std::isfinite(mae(c, h)) && mae(c, h) < best) {
                best = mae(c, h);
                best_row = c;
            }
        }
        if (!(best > 0.0) || !std::isfinite(best)) {
            weights(best_row, h) = 1.0; // a perfect (or the only) candidate takes it all
            continue;
        }
        for (Eigen::Index c = 0; c < mae.rows(); ++c) {
            if (std::isfinite(mae(c, h)) && mae(c, h) <= (1.0 + params.slack) * best) {
                weights(c, h) = std::pow(best / mae(c, h), params.weight_power);
            }
        }
        weights.col(h) /= weights.col(h).sum();
    }
    return weights;
}

AutoEnsemble::AutoEnsemble(std::vector<AutoCandidate> candidates, AutoParams params,
                           FitOptions options)
    : candidates_(std::move(candidates)), params_(params), options_(std::move(options))
{
}

std::expected<std::unique_ptr<AutoEnsemble>, ModelError>
AutoEnsemble::create(std::vector<AutoCandidate> candidates, AutoParams params, FitOptions options)
{
    const auto invalid = [](std::string message) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec, "auto: " + message});
    };
    if (candidates.empty()) {
        return invalid("needs at least one candidate");
    }
    for (const auto& candidate : candidates) {
        if (!candidate.component) {
            return invalid("candidate \"" + candidate.name + "\" has no component");
        }
    }
    if (!(params.slack >= 0.0) || !(params.weight_power >= 0.0)) {
        return invalid("slack and weight_power must be >= 0");
    }
    if (!(params.guard_margin >= 0.0 && params.guard_margin < 1.0)) {
        return invalid("guard_margin must be in [0, 1)");
    }
    return std::make_unique<AutoEnsemble>(std::move(candidates), params, std::move(options));
}

std::expected<std::shared_ptr<const FittedModel>, ModelError>
AutoEnsemble::fit(const Series& series) const
{
    const auto data = prepare_fit_data(series, options_);
    if (!data) {
        return std::unexpected(data.error());
    }
    const ComponentInput input = component_input(*data, options_);
    const auto count = static_cast<Eigen::Index>(candidates_.size());
    std::vector<std::expected<ComponentRun, ModelError>> runs;
    runs.reserve(candidates_.size());
    Eigen::MatrixXd mae = Eigen::MatrixXd::Constant(count, input.horizons, std::nan(""));
    for (Eigen::Index c = 0; c < count; ++c) {
        runs.push_back(candidates_[static_cast<std::size_t>(c)].component->run(input));
        if (runs.back()) {
            mae.row(c) = validation_mae(runs.back()->validation, input).transpose();
        }
    }
    if (!runs.front()) {
        return std::unexpected(runs.front().error());
    }
    Eigen::MatrixXd weights = combination_weights(mae, params_);
    std::vector<bool> is_fallback;
    std::vector<std::string> names;
    for (const auto& candidate : candidates_) {
        is_fallback.push_back(candidate.fallback);
        names.push_back(candidate.name);
    }
    const GuardDecision guard = naive_guard(mae, is_fallback, names, params_.guard_margin);
    if (guard.engaged) {
        weights.setZero();
        weights.row(guard.fallback).setOnes();
    }
    Eigen::MatrixXd validation = Eigen::MatrixXd::Zero(runs.front()->validation.rows(),
                                                       input.horizons);
    std::vector<std::shared_ptr<const MeanPath>> paths;
    std::ostringstream description;
    description << "auto(" << guard.description << (guard.engaged ? "; " : "");
    const char* separator = "";
    for (Eigen::Index c = 0; c < count; ++c) {
        const auto& run = runs[static_cast<std::size_t>(c)];
        paths.push_back(run ? run->final_path : nullptr);
        if (!run || weights.row(c).maxCoeff() <= 0.0) {
            continue;
        }
        validation += run->validation * weights.row(c).asDiagonal();
        description << separator << run->stats.description << " w1=" << weights(c, 0)
                    << " wH=" << weights(c, input.horizons - 1);
        separator = "; ";
    }
    description << ")";
    FitStats stats = runs.front()->stats;
    stats.description = description.str();
    stats.sse = 0.0;
    stats.n_obs = 0;
    for (Eigen::Index k = 0; k < validation.rows(); ++k) {
        const Eigen::Index target = input.n_fit + k;
        if (input.weight[target] > 0.0) {
            const double e = input.y[target] - validation(k, 0);
            stats.sse += e * e;
            ++stats.n_obs;
        }
    }
    BandOffsets band = conformal_offsets(validation, input.y, input.weight, input.n_fit,
                                         options_.band_scale);
    auto path = std::make_shared<const CombinedPath>(std::move(paths), weights);
    return make_validated_fit(std::move(path), std::move(band), std::move(stats));
}

} // namespace ihpa::model
