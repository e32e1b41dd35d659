#include "adapter/config/sections.hpp"

namespace ihpa::adapter::config_section {
namespace {

using config_parse::Problems;
using std::chrono::milliseconds;

std::string kind_names()
{
    std::string out;
    for (const SourceKind& kind : source_kinds()) {
        out += (out.empty() ? "" : ", ") + std::string(kind.name);
    }
    return out;
}

} // namespace

const SourceKind* find_kind(std::string_view name)
{
    for (const SourceKind& kind : source_kinds()) {
        if (kind.name == name) {
            return &kind;
        }
    }
    return nullptr;
}

void parse_sources(const YAML::Node& list, AdapterConfig& config, Problems& problems)
{
    if (!list.IsSequence()) {
        problems.add(list, "sources must be a list");
        return;
    }
    std::set<std::string> names;
    for (const YAML::Node& item : list) {
        if (!item.IsMap()) {
            problems.add(item, "a source must be a mapping");
            continue;
        }
        SourceConfig source;
        source.line = config_parse::line_of(item);
        source.name = config_parse::required_string(item, "name", "source", problems).value_or("");
        if (!source.name.empty() && !names.insert(source.name).second) {
            problems.add(item, "duplicate source name \"" + source.name + "\"");
        }
        const std::string what = "source " + source.name;
        if (auto interval = config_parse::optional_duration(
                item, "interval", what, milliseconds(100), milliseconds(3600000), problems)) {
            source.interval = *interval;
        }
        for (const auto& entry : item) {
            const std::string key = entry.first.Scalar();
            if (key == "name" || key == "interval") {
                continue;
            }
            const SourceKind* kind = find_kind(key);
            if (kind == nullptr) {
                problems.add(entry.first, "unknown key \"" + key + "\" in " + what +
                                              " (known: name, interval, " + kind_names() + ")");
            } else if (!source.kind.empty()) {
                problems.add(entry.first, what + " has two kinds (" + source.kind + " and " + key +
                                              "); give each its own source");
            } else {
                source.kind = key;
                if (auto factory = kind->parse(entry.second, what + "." + key, problems)) {
                    source.factory = std::move(*factory);
                }
            }
        }
        if (source.kind.empty()) {
            problems.add(item, what + " needs a kind (one of: " + kind_names() + ")");
        }
        config.sources.push_back(std::move(source));
    }
}

} // namespace ihpa::adapter::config_section
