#include "model/registry.hpp"

#include "model/auto_ensemble.hpp"
#include "model/direct_regression.hpp"
#include "model/fourier.hpp"
#include "model/holt_winters.hpp"
#include "model/local_level.hpp"
#include "model/naive.hpp"
#include "model/seasonal_naive.hpp"
#include "model/stl.hpp"
#include "model/validated_fit.hpp"

#include <array>

namespace ihpa::model {
namespace {

using MadeForecaster = std::expected<std::unique_ptr<Forecaster>, ModelError>;
using MadeComponent = std::expected<std::shared_ptr<const Component>, ModelError>;

/// A component from a validated spec (`Model::create(Params{})`).
template <class Model, class Params> MadeComponent make_component(Params params)
{
    auto model = Model::create(params);
    if (!model) {
        return std::unexpected(model.error());
    }
    return std::make_shared<const Model>(std::move(*model));
}

MadeComponent make_naive() { return std::make_shared<const Naive>(); }
MadeComponent make_seasonal_naive()
{
    return make_component<SeasonalNaive>(SeasonalNaiveParams{});
}

MadeComponent make_local_level() { return make_component<LocalLevel>(LocalLevelParams{}); }

MadeComponent make_holt_winters() { return make_component<HoltWinters>(HoltWintersParams{}); }

MadeComponent make_holt()
{
    return make_component<HoltWinters>(HoltWintersParams{.seasonal = false});
}

MadeComponent make_fourier() { return make_component<Fourier>(FourierParams{}); }

MadeComponent make_stl() { return make_component<Stl>(StlParams{}); }

MadeComponent make_direct_regression()
{
    return make_component<DirectRegression>(DirectRegressionParams{});
}

struct Entry {
    std::string_view name;
    MadeComponent (*make)(); ///< null for "auto", which combines the others
    bool fallback = false;   ///< a benchmark of auto's guard against losing to naive
};

// One row per model; no self-registration (static libraries drop unreferenced objects).
// `auto` combines every other row; naive comes first; the fallbacks are its guard's benchmarks.
constexpr std::array kModels{
    Entry{"auto", nullptr},
    Entry{"holtWinters", &make_holt_winters},
    Entry{"holt", &make_holt},
    Entry{"fourier", &make_fourier},
    Entry{"stl", &make_stl},
    Entry{"directRegression", &make_direct_regression},
    Entry{"seasonalNaive", &make_seasonal_naive},
    Entry{"localLevel", &make_local_level, true},
    Entry{"naive", &make_naive, true},
};

MadeForecaster make_auto(const FitOptions& options)
{
    std::vector<AutoCandidate> candidates;
    for (auto it = kModels.rbegin(); it != kModels.rend(); ++it) {
        if (it->make == nullptr) {
            continue;
        }
        auto component = it->make();
        if (!component) {
            return std::unexpected(component.error());
        }
        candidates.push_back(
            AutoCandidate{std::string(it->name), std::move(*component), it->fallback});
    }
    auto made = AutoEnsemble::create(std::move(candidates), AutoParams{}, options);
    if (!made) {
        return std::unexpected(made.error());
    }
    return std::unique_ptr<Forecaster>(std::move(*made));
}

} // namespace

std::expected<std::unique_ptr<Forecaster>, ModelError> make_forecaster(std::string_view name,
                                                                       const FitOptions& options)
{
    for (const auto& entry : kModels) {
        if (entry.name != name) {
            continue;
        }
        if (entry.make == nullptr) {
            return make_auto(options);
        }
        auto component = entry.make();
        if (!component) {
            return std::unexpected(component.error());
        }
        return std::unique_ptr<Forecaster>(
            std::make_unique<ComponentForecaster>(std::move(*component), options));
    }
    std::string known;
    for (const auto& entry : kModels) {
        known += known.empty() ? "" : ", ";
        known += entry.name;
    }
    return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                      "unknown model \"" + std::string(name) + "\" (known: " +
                                          known + ")"});
}

std::vector<std::string> forecaster_names()
{
    std::vector<std::string> names;
    for (const auto& entry : kModels) {
        names.emplace_back(entry.name);
    }
    return names;
}

} // namespace ihpa::model
