#include "controller/schedules_file.hpp"

#include "controller/schedules.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <charconv>

namespace ihpa::controller {
namespace {

using nlohmann::json;

/// A YAML node as JSON: mappings, sequences, and scalars as integers, booleans, null or strings
/// (the types the schedule fields take; a quoted scalar stays a string).
json to_json(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        json object = json::object();
        for (const auto& entry : node) {
            object[entry.first.as<std::string>()] = to_json(entry.second);
        }
        return object;
    }
    case YAML::NodeType::Sequence: {
        json list = json::array();
        for (const auto& item : node) {
            list.push_back(to_json(item));
        }
        return list;
    }
    case YAML::NodeType::Scalar: {
        const std::string text = node.Scalar();
        if (node.Tag() == "!") {
            return text; // quoted
        }
        std::int64_t integer = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
        if (error == std::errc() && end == text.data() + text.size() && !text.empty()) {
            return integer;
        }
        if (text == "true" || text == "false") {
            return text == "true";
        }
        return text;
    }
    default:
        return nullptr;
    }
}

} // namespace

std::expected<std::vector<schedule::ScheduledFloor>, std::string>
read_schedules_file(const std::string& path, std::int64_t max_replicas)
{
    json document;
    try {
        document = to_json(YAML::LoadFile(path));
    } catch (const YAML::Exception& e) {
        return std::unexpected(path + ": " + e.what());
    }
    json spec;
    if (document.is_array()) {
        spec["schedules"] = document;
    } else if (document.is_object() && document.contains("spec")) {
        spec = document["spec"];
    } else {
        spec = document;
    }
    if (!spec.is_object() || !spec.contains("schedules")) {
        return std::unexpected(path + ": no schedules (a list of them, a mapping with "
                                      "`schedules`, or an IHPA with `spec.schedules`)");
    }
    std::vector<std::string> problems;
    const auto parsed = parse_schedules(spec, max_replicas, problems);
    if (!problems.empty()) {
        std::string text = path + ":";
        for (const std::string& problem : problems) {
            text += " " + problem + ";";
        }
        text.pop_back();
        return std::unexpected(text);
    }
    std::vector<schedule::ScheduledFloor> floors;
    for (const auto& each : parsed) {
        floors.push_back(each.floor);
    }
    return floors;
}

} // namespace ihpa::controller
