#pragma once

#include <optional>
#include <string_view>

namespace ihpa::cli {

/// Files built into the binary (the demo configuration and its trace, from examples/), by file
/// name; nullopt for any other name.
[[nodiscard]] std::optional<std::string_view> embedded_file(std::string_view name);

} // namespace ihpa::cli
