#pragma once

#include "adapter/config/config_parse.hpp"
#include "adapter/source/source_kind.hpp"

#include <expected>
#include <optional>
#include <string>

/// Option parsing shared by source kinds: secrets named by file or environment variable, and
/// telling a missing option from an invalid one.
namespace ihpa::adapter {

/// True unless `map[key]` is present but its value was rejected (`value` empty): the
/// `config_parse` helpers return nullopt both for an absent key and for a reported problem.
template <typename T>
[[nodiscard]] bool absent_or_valid(const YAML::Node& map, const char* key,
                                   const std::optional<T>& value)
{
    return value.has_value() || !map[key];
}

/// Where a secret (a password, an API key) comes from: a file or an environment variable, never
/// the configuration itself, so configurations can be shared and committed.
struct SecretSource {
    std::string setting; ///< the option that named it, e.g. "passwordFile" or "apiKeyEnv"
    std::string name;    ///< the file name or the environment variable's name
    bool from_file = true;
};

/// Parses the options `<key>File` and `<key>Env` of `map`: at most one of them, exactly one when
/// `required`. An inline `<key>` is reported as a problem saying to use a file or variable
/// instead (the caller lists `<key>` among the known keys so it is not also "unknown").
/// nullopt when neither is given or on problems; `valid` turns false on problems.
[[nodiscard]] std::optional<SecretSource>
parse_secret_source(const YAML::Node& map, const std::string& key, const std::string& what,
                    bool required, bool& valid, config_parse::Problems& problems);

/// The secret's value: the file's contents read through `resolve` (surrounding whitespace and
/// the final newline removed) or the variable's value. The error names the setting and says
/// why (unreadable file, unset or empty variable, empty file) and never contains the secret.
[[nodiscard]] std::expected<std::string, std::string> load_secret(const SecretSource& source,
                                                                  const FileResolver& resolve);

} // namespace ihpa::adapter
