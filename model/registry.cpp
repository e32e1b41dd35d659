#include "model/registry.hpp"

#include "model/naive.hpp"

#include <array>

namespace ihpa::model {
namespace {

using Factory = std::unique_ptr<Forecaster> (*)();

struct Entry {
    std::string_view name;
    Factory make;
};

// One row per model; no self-registration (static libraries drop unreferenced objects).
constexpr std::array kModels{
    Entry{"naive", [] { return std::unique_ptr<Forecaster>(std::make_unique<Naive>()); }},
};

} // namespace

std::expected<std::unique_ptr<Forecaster>, ModelError> make_forecaster(std::string_view name)
{
    for (const auto& entry : kModels) {
        if (entry.name == name) {
            return entry.make();
        }
    }
    std::string known;
    for (const auto& entry : kModels) {
        known += known.empty() ? "" : ", ";
        known += entry.name;
    }
    return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                      "unknown model \"" + std::string(name) + "\" (known: " + known + ")"});
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
