#pragma once

#include <string_view>

#ifndef IHPA_VERSION
#define IHPA_VERSION "0.0.0"
#endif
#ifndef IHPA_GIT_COMMIT
#define IHPA_GIT_COMMIT "unknown"
#endif

namespace ihpa::cli {

/// The project version (from CMake's `project(VERSION)`).
inline constexpr std::string_view kVersion = IHPA_VERSION;
/// The git commit the binary was configured from, or "unknown".
inline constexpr std::string_view kGitCommit = IHPA_GIT_COMMIT;
/// The compile date, as the compiler spells it.
inline constexpr std::string_view kBuildDate = __DATE__;

} // namespace ihpa::cli
