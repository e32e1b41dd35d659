#include "controller/conditions.hpp"

#include "common/time_text.hpp"

namespace ihpa::controller {
namespace {

/// The condition of `type` in a JSON list, or nullptr.
const nlohmann::json* find_condition(const nlohmann::json& list, const std::string& type)
{
    if (!list.is_array()) {
        return nullptr;
    }
    for (const nlohmann::json& each : list) {
        if (each.is_object() && each.value("type", std::string()) == type) {
            return &each;
        }
    }
    return nullptr;
}

} // namespace

nlohmann::json merge_conditions(const nlohmann::json& previous, const std::vector<Condition>& wanted,
                                std::chrono::system_clock::time_point now, std::int64_t generation)
{
    nlohmann::json list = nlohmann::json::array();
    for (const Condition& condition : wanted) {
        std::string since = common::rfc3339(now);
        if (const nlohmann::json* old = find_condition(previous, condition.type);
            old != nullptr && old->value("status", std::string()) == condition.status &&
            old->contains("lastTransitionTime") && (*old)["lastTransitionTime"].is_string()) {
            since = (*old)["lastTransitionTime"].get<std::string>();
        }
        list.push_back({{"type", condition.type},
                        {"status", condition.status},
                        {"observedGeneration", generation},
                        {"lastTransitionTime", since},
                        {"reason", condition.reason},
                        {"message", condition.message}});
    }
    return list;
}

std::vector<Condition> changed_conditions(const nlohmann::json& previous,
                                          const std::vector<Condition>& wanted)
{
    std::vector<Condition> changed;
    for (const Condition& condition : wanted) {
        const nlohmann::json* old = find_condition(previous, condition.type);
        if (old == nullptr || old->value("status", std::string()) != condition.status ||
            old->value("reason", std::string()) != condition.reason) {
            changed.push_back(condition);
        }
    }
    return changed;
}

} // namespace ihpa::controller
