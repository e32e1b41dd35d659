#pragma once

#include <expected>
#include <string>

namespace ihpa::net {

/// Calls curl_global_init once per process (thread-safe; later calls return the first result).
[[nodiscard]] std::expected<void, std::string> init_curl_once();

} // namespace ihpa::net
