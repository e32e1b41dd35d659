#include "adapter/source/source_options.hpp"

#include "common/text.hpp"

#include <cstdlib>

namespace ihpa::adapter {

std::optional<SecretSource> parse_secret_source(const YAML::Node& map, const std::string& key,
                                                const std::string& what, bool required,
                                                bool& valid, config_parse::Problems& problems)
{
    const std::string file_key = key + "File";
    const std::string env_key = key + "Env";
    if (const YAML::Node inline_secret = map[key]) {
        problems.add(inline_secret, what + "." + key + ": secrets are not accepted inline; name a "
                                           "file with " + file_key + " or a variable with " +
                                           env_key);
        valid = false;
    }
    const auto file = config_parse::optional_string(map, file_key.c_str(), what, problems);
    const auto env = config_parse::optional_string(map, env_key.c_str(), what, problems);
    if ((map[file_key] && !file) || (map[env_key] && !env)) {
        valid = false;
        return std::nullopt;
    }
    if (file && env) {
        problems.add(map[env_key], what + " takes either " + file_key + " or " + env_key +
                                       ", not both");
        valid = false;
        return std::nullopt;
    }
    if (file) {
        return SecretSource{file_key, *file, true};
    }
    if (env) {
        return SecretSource{env_key, *env, false};
    }
    if (required) {
        problems.add(map, what + " needs " + file_key + " or " + env_key);
        valid = false;
    }
    return std::nullopt;
}

std::expected<std::string, std::string> load_secret(const SecretSource& source,
                                                    const FileResolver& resolve)
{
    std::string value;
    if (source.from_file) {
        auto contents = resolve(source.name);
        if (!contents) {
            return std::unexpected(source.setting + ": " + contents.error());
        }
        value = std::string(common::trim(*contents));
    } else {
        const char* env = std::getenv(source.name.c_str());
        if (env == nullptr) {
            return std::unexpected(source.setting + ": environment variable " + source.name +
                                   " is not set");
        }
        value = std::string(common::trim(env));
    }
    if (value.empty()) {
        return std::unexpected(source.setting + ": " + source.name + " is empty");
    }
    return value;
}

} // namespace ihpa::adapter
