#pragma once

#include "adapter/clock.hpp"
#include "adapter/config.hpp"
#include "apiserver/provider.hpp"

#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ihpa::adapter {

/// Returns the contents of a file named in the configuration (relative names are resolved
/// against the configuration's own location), or an error message naming it.
using FileResolver = std::function<std::expected<std::string, std::string>(const std::string&)>;

/// Builds the sources and the provider a validated configuration describes. Errors (unreadable
/// or invalid trace files) name the configuration line that refers to them.
[[nodiscard]] std::expected<std::unique_ptr<apiserver::ExternalMetricsProvider>, std::string>
assemble_provider(const AdapterConfig& config, const std::string& origin,
                  const FileResolver& resolve, const Clock& clock);

} // namespace ihpa::adapter
